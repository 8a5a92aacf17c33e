"""Demo news (村庄动态) for the six demo villages, marked ``is_demo``: each piece retells what the source
article (``/work/shared/sources/lishi-rural-tourism-article.txt``, a 离石融媒 report) says about the
village or the district's rural tourism, and nothing else: no dates of events, no people, no figures the
article does not give. ``news_seed_demo`` adds the missing ones; run again it changes nothing."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from villages.models import News, Village
from villages.services import news_save

SOURCE_NOTE = (
    "<p><em>演示内容,据离石融媒报道《吕梁大地 热潮涌动》整理。</em></p>",
    "<p><em>Demo content, retold from the Lishi media centre's report.</em></p>",
)


@dataclass(frozen=True)
class NewsSeed:
    village: str
    days_ago: int
    title: tuple[str, str]
    summary: tuple[str, str]
    body: tuple[str, str]


NEWS = [
    NewsSeed(
        "caijiazhuang",
        3,
        ("彩家庄村:修缮古院落,打造特色民宿", "Caijiazhuang: old courtyards restored, homestays opened"),
        (
            "枣林乡彩家庄村历史悠久,通过修缮古院落、打造特色民宿,形成综合旅游项目。",
            "Caijiazhuang restored its old courtyards and opened homestays with character.",
        ),
        (
            "<p>枣林乡彩家庄村历史悠久、资源丰富,古老的建筑承载着乡村的往昔岁月。</p>"
            "<p>村里通过修缮古院落、打造特色民宿等举措,形成了集多种功能于一体的综合旅游项目。</p>",
            "<p>Caijiazhuang in Zaolin township has a long history; its old buildings carry the village's "
            "past.</p><p>By restoring old courtyards and opening homestays with character, the village has "
            "built a tourism project that does several things at once.</p>",
        ),
    ),
    NewsSeed(
        "yancun",
        5,
        ("严村:葫芦文化园与葫芦文化艺术展", "Yancun: the gourd culture park and its art exhibition"),
        (
            "信义镇严村依托葫芦文化园打造乡村旅游示范村,举办葫芦文化艺术展。",
            "Yancun built on its gourd culture park and held a gourd art exhibition.",
        ),
        (
            "<p>信义镇严村依托葫芦文化园,打造乡村旅游示范村,成功举办葫芦文化艺术展。</p>"
            "<p>村里还与名人堂合作建设中国葫芦名人堂,推动葫芦产业发展。</p>",
            "<p>Yancun in Xinyi town has built on its gourd culture park to become a model rural-tourism "
            "village, and held a gourd art exhibition.</p><p>With the hall of fame it is building the "
            "China Gourd Hall of Fame, to help the gourd industry grow.</p>",
        ),
    ),
    NewsSeed(
        "guihua",
        8,
        ("归化村:省3A级乡村旅游示范村", "Guihua: a provincial 3A rural-tourism village"),
        (
            "信义镇归化村是省3A级乡村旅游示范村和吕梁市首批乡村旅游景区。",
            "Guihua is a provincial 3A model village and one of Lüliang's first rural scenic areas.",
        ),
        (
            "<p>信义镇归化村是省3A级乡村旅游示范村,也是吕梁市首批乡村旅游景区。</p>"
            "<p>这里民风质朴,还有多处迷人景观。</p>",
            "<p>Guihua in Xinyi town is a provincial 3A model rural-tourism village and one of Lüliang's "
            "first rural tourism scenic areas.</p><p>Its people are plain-spoken and it has many lovely "
            "sights.</p>",
        ),
    ),
    NewsSeed(
        "dujiashan",
        10,
        ("杜家山村:传统村落里的乡村民宿", "Dujiashan: homestays in a traditional village"),
        (
            "交口街道杜家山村是传统村落和历史文化名村,拥有国家级文物保护单位安国寺。",
            "Dujiashan is a traditional, historic village, home of the Anguo Temple.",
        ),
        (
            "<p>交口街道杜家山村是传统村落和历史文化名村,拥有国家级文物保护单位安国寺。</p>"
            "<p>村里整合特色资源、实施人居环境整治,重点发展乡村旅游民宿。</p>",
            "<p>Dujiashan in Jiaokou subdistrict is a traditional village and a historic and cultural "
            "village, home of the Anguo Temple, a national key cultural relics site.</p><p>It has pooled "
            "its resources and tidied its living environment to grow rural homestays.</p>",
        ),
    ),
    NewsSeed(
        "wangyingzhuang",
        12,
        ("王营庄:乡村旅游示范", "Wangyingzhuang: a showcase of rural tourism"),
        (
            "离石区以王营庄等地为示范,推动景区、乡村与城区旅游协同发展。",
            "Wangyingzhuang is one of the district's showcases of rural tourism.",
        ),
        (
            "<p>离石区以王营庄、大东沟等地为示范,坚持景区旅游、乡村旅游与城区旅游协同发展。</p>"
            "<p>区里加快旅游基础设施建设,设计精品旅游线路,丰富旅游产品供给。</p>",
            "<p>Lishi District takes Wangyingzhuang and Dadonggou as showcases for scenic-area, rural and "
            "town tourism growing together.</p><p>The district is building tourism infrastructure, "
            "designing fine routes and widening what visitors can do.</p>",
        ),
    ),
    NewsSeed(
        "dadonggou",
        14,
        ("大东沟:文旅集团带动村集体和农民双增收", "Dadonggou: more income for collectives and farmers"),
        (
            "文旅集团整合运营,发放分红并扩大入股范围;消费帮扶拓宽销售渠道。",
            "The group pays dividends, widens shareholding and sells village products.",
        ),
        (
            "<p>离石区以王营庄、大东沟等地为示范发展乡村旅游。文旅集团整合运营,去年发放分红,今年扩大入股范围,"
            "实现村集体和农民的“双增收”。</p>"
            "<p>文旅集团成立联农商品供应公司,线上线下相结合开展消费帮扶,拓宽了销售渠道。</p>",
            "<p>Lishi District takes Wangyingzhuang and Dadonggou as showcases of rural tourism. The "
            "culture-tourism group runs them together, paid dividends last year and is widening "
            "shareholding this year, so that village collectives and farmers both earn more.</p><p>Its "
            "supply company sells village products online and offline.</p>",
        ),
    ),
]


@transaction.atomic
def news_seed_demo() -> int:
    """Add the demo news missing for the villages that exist; how many were added."""
    added = 0
    now = timezone.now()
    for seed in NEWS:
        village = Village.objects.filter(slug=seed.village).first()
        if village is None:
            continue
        if News.objects.filter(village=village, is_demo=True, title_zh_hans=seed.title[0]).exists():
            continue
        news = News(
            village=village,
            title_zh_hans=seed.title[0],
            title_en=seed.title[1],
            summary_zh_hans=seed.summary[0],
            summary_en=seed.summary[1],
            body_zh_hans=seed.body[0] + SOURCE_NOTE[0],
            body_en=seed.body[1] + SOURCE_NOTE[1],
            status=News.Status.PUBLISHED,
            published_at=now - timedelta(days=seed.days_ago),
            is_demo=True,
        )
        news_save(news=news)
        added += 1
    return added
