from django import template

register = template.Library()


@register.simple_tag
def comments_at(comments: dict, goal_id, section: str) -> list:
    """The review comments attached to one part of the sheet (``queries.comments_by_place``)."""
    return (comments or {}).get((goal_id or None, section), [])
