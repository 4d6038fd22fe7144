"""The portal reads through the domain apps' queries; see ``hiroba.core.queries.public_hubs``."""
