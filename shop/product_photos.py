"""A producer's photo of their product, taken on a phone in the producer console: checked and made
ready for the web by ``villages.photos.images.photo_for_web`` (JPEG, PNG or WebP up to 8 MB, upright,
at most 1600 px wide, saved as JPEG without its metadata: a phone photo carries the GPS position of the
producer's house), as the owners' gallery uploads and the admin's product form are."""

from django.core.files import File
from django.db import transaction

from shop.models import Product
from villages.photos.images import photo_for_web


def product_photo_set(*, product: Product, upload: File) -> Product:
    """Replace the product's photo; a bad upload raises ``ValidationError`` and changes nothing. The
    replaced file is removed once the new one is saved."""
    content = photo_for_web(upload)  # before the transaction: resizing takes a moment
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        old_name, storage = locked.photo.name, locked.photo.storage
        locked.photo.save("product.jpg", content, save=False)
        Product.objects.filter(pk=locked.pk).update(photo=locked.photo.name)
        if old_name and old_name != locked.photo.name:
            transaction.on_commit(lambda: storage.delete(old_name))
    product.refresh_from_db()
    return product
