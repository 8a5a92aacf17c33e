from modeltranslation.translator import TranslationOptions, register

from shop.models import Producer, Product


@register(Producer)
class ProducerTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "description")
