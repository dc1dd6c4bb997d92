"""Storage of private files (returns' photos)."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files in a folder with no public address: url() refuses, so no template can link
    to one by mistake. Only views that check who asks hand the files out."""

    def url(self, name):
        raise NotImplementedError(
            "Private files have no public URL; serve them through a view that checks access."
        )
