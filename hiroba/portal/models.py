"""The portal has no models: it shows data owned by the domain apps, read through their
``queries`` modules (pretix's presale/control split)."""
