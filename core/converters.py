"""URL converters every app's routes use; registered once, in CoreConfig.ready()."""

import uuid


class LooseUUIDConverter:
    """A UUID in any letter case, with an optional trailing slash tolerated by the patterns."""

    regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def to_python(self, value):
        return uuid.UUID(value)

    def to_url(self, value):
        return str(value)
