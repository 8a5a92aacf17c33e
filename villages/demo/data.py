"""Themes, villages and attractions of the demo.

source: 《吕梁大地 热潮涌动》, 离石融媒 (/work/shared/sources/lishi-rural-tourism-article.txt). Taken from it:
- the four themes 廉政文化, 传统古村落, 田园综合体, 森林露营 of Lishi's six key rural tourism villages;
- 彩家庄村 (枣林乡): long history, rich resources, old buildings; restored ancient courtyards (修缮古院落) and
  specialty homestays (特色民宿) forming an integrated tourism project;
- 严村 (信义镇): 葫芦文化园, a rural tourism demonstration village (乡村旅游示范村), a gourd culture and art
  exhibition (葫芦文化艺术展), 中国葫芦名人堂 built with the Hall of Fame, the gourd industry;
- 归化村 (信义镇): 省3A级乡村旅游示范村, 吕梁市首批乡村旅游景区, simple folk customs, several landscapes;
- 杜家山村 (交口街道): 传统村落, 历史文化名村, 安国寺 (国家级文物保护单位, i.e. national key cultural relics
  protection site), resource integration, living-environment improvement, homestays;
- 王营庄 and 大东沟: demonstration sites where scenic-area, rural and city tourism develop together, with
  better tourism infrastructure and boutique routes. The article names no township for them, so their
  township is the district, 离石区.
Demo, not from the article: every coordinate, which village carries which theme, the themes 葫芦文化 and
特色民宿, and every attraction below except 安国寺, 葫芦文化园 and 中国葫芦名人堂 (whose descriptions, prices
and hours are demo too).
"""

from decimal import Decimal as D

from villages.demo.schema import T, ThemeSeed, VillageSeed

LISHI_CITY_CENTRE = (D("37.517700"), D("111.143000"))

THEMES = (
    ThemeSeed("integrity-culture", T("廉政文化", "Integrity culture")),
    ThemeSeed("ancient-village", T("传统古村落", "Traditional ancient village")),
    ThemeSeed("pastoral-complex", T("田园综合体", "Pastoral complex")),
    ThemeSeed("forest-camping", T("森林露营", "Forest camping")),
    ThemeSeed("gourd-culture", T("葫芦文化", "Gourd culture")),
    ThemeSeed("homestays", T("特色民宿", "Specialty homestays")),
)

VILLAGES = (
    VillageSeed(
        slug="caijiazhuang",
        name=T("彩家庄村", "Caijiazhuang Village"),
        township=T("枣林乡", "Zaolin Township"),
        summary=T(
            "历史悠久、资源丰富的古村,修缮古院落、打造特色民宿,形成综合旅游项目。",
            "An old village rich in resources, where restored courtyards and specialty homestays "
            "make an integrated tourism project.",
        ),
        story=T(
            "枣林乡彩家庄村历史悠久、资源丰富,古老的建筑承载着乡村的往昔岁月。近年来,村里修缮古院落、"
            "打造特色民宿,形成了集多种功能于一体的综合旅游项目。\n\n"
            "来彩家庄,可以在修缮一新的老院落之间慢慢走走,夜里住进特色民宿,感受乡村的往昔岁月与今天的新生活。",
            "Caijiazhuang, in Zaolin Township, has a long history and rich resources, and its old buildings "
            "carry the memory of rural life. By restoring its ancient courtyards and creating specialty "
            "homestays, the village has become an integrated tourism project that brings many uses "
            "together.\n\n"
            "Wander between the restored courtyards, spend the night in a homestay, and feel both the "
            "village's past and its new life today.",
        ),
        latitude=D("37.584200"),
        longitude=D("111.204600"),
        themes=("ancient-village", "homestays"),
    ),
    VillageSeed(
        slug="yancun",
        name=T("严村", "Yancun Village"),
        township=T("信义镇", "Xinyi Town"),
        summary=T(
            "依托葫芦文化园打造的乡村旅游示范村,建有中国葫芦名人堂。",
            "A rural tourism demonstration village built around its Gourd Culture Park, "
            "home to the China Gourd Hall of Fame.",
        ),
        story=T(
            "信义镇严村依托葫芦文化园,打造乡村旅游示范村。村里成功举办了葫芦文化艺术展,并与名人堂合作建设"
            "中国葫芦名人堂,有力地推动了葫芦产业的发展。\n\n"
            "来严村,逛一逛葫芦文化园,看一看中国葫芦名人堂,认识一只小小葫芦背后的手艺与产业。",
            "Yancun, in Xinyi Town, has grown into a rural tourism demonstration village around its Gourd "
            "Culture Park. The village has successfully hosted a gourd culture and art exhibition and, "
            "together with the Hall of Fame, built the China Gourd Hall of Fame, giving a strong push to "
            "the gourd industry.\n\n"
            "Come to stroll through the Gourd Culture Park, visit the China Gourd Hall of Fame and discover "
            "the craft and the industry behind a humble gourd.",
        ),
        latitude=D("37.446300"),
        longitude=D("111.061800"),
        themes=("gourd-culture", "pastoral-complex"),
        honours=(T("乡村旅游示范村", "Rural tourism demonstration village"),),
    ),
    VillageSeed(
        slug="guihua",
        name=T("归化村", "Guihua Village"),
        township=T("信义镇", "Xinyi Town"),
        summary=T(
            "省3A级乡村旅游示范村、吕梁市首批乡村旅游景区,民风质朴,景观迷人。",
            "A provincial 3A rural tourism demonstration village and one of Lüliang's first rural "
            "tourism scenic areas, with simple folk customs and charming landscapes.",
        ),
        story=T(
            "信义镇归化村不仅是省3A级乡村旅游示范村和吕梁市首批乡村旅游景区,还拥有质朴的民风和多处迷人景观。\n\n"
            "在归化村,可以沿着山间小路从一处景观走到另一处,也可以在村里坐一坐,和乡亲们拉拉家常。",
            "Guihua, in Xinyi Town, is a provincial 3A-level rural tourism demonstration village and one of "
            "the first rural tourism scenic areas of Lüliang City. It is known for its simple, honest folk "
            "customs and several charming landscapes.\n\n"
            "Follow the hill paths from one view to the next, or sit down in the village and chat with the "
            "people who live here.",
        ),
        latitude=D("37.431500"),
        longitude=D("111.093400"),
        themes=("integrity-culture", "pastoral-complex"),
        honours=(
            T("省3A级乡村旅游示范村", "Provincial 3A-level rural tourism demonstration village"),
            T("吕梁市首批乡村旅游景区", "One of Lüliang City's first rural tourism scenic areas"),
        ),
    ),
    VillageSeed(
        slug="dujiashan",
        name=T("杜家山村", "Dujiashan Village"),
        township=T("交口街道", "Jiaokou Subdistrict"),
        summary=T(
            "传统村落和历史文化名村,拥有国家级文物保护单位安国寺,重点发展乡村旅游民宿。",
            "A traditional, historic and cultural village, home to Anguo Temple, a national key cultural "
            "relics protection site, and to rural homestays.",
        ),
        story=T(
            "交口街道杜家山村是传统村落和历史文化名村,拥有国家级文物保护单位安国寺。村里通过整合特色资源、"
            "实施人居环境整治等,重点发展乡村旅游民宿,浓郁的乡土风情让人流连忘返。\n\n"
            "上午去安国寺,午后在村巷里慢慢走,晚上住进民宿,过一天地道的乡村生活。",
            "Dujiashan, in Jiaokou Subdistrict, is a traditional village and a famous historic and cultural "
            "village, home to Anguo Temple, a national key cultural relics protection site. By bringing its "
            "distinctive resources together and improving the living environment, the village is focusing on "
            "rural tourism homestays, and its strong local flavour makes visitors want to stay.\n\n"
            "Visit Anguo Temple in the morning, wander the village lanes in the afternoon and spend the "
            "night "
            "in a homestay for a day of true country life.",
        ),
        latitude=D("37.561800"),
        longitude=D("111.058200"),
        themes=("ancient-village", "homestays"),
        honours=(
            T("传统村落", "Traditional village"),
            T("历史文化名村", "Famous historic and cultural village"),
        ),
    ),
    VillageSeed(
        slug="wangyingzhuang",
        name=T("王营庄", "Wangyingzhuang"),
        township=T("离石区", "Lishi District"),
        summary=T(
            "离石区乡村旅游示范点,景区旅游、乡村旅游与城区旅游在这里协同发展。",
            "A rural tourism demonstration site of Lishi, where scenic-area, rural and city tourism "
            "develop together.",
        ),
        story=T(
            "离石区以王营庄、大东沟等地为示范,坚持景区旅游、乡村旅游与城区旅游协同发展,不断加快旅游基础设施"
            "建设步伐,精心设计精品旅游线路,努力丰富旅游产品供给。\n\n"
            "沿着精品线路,可以把城区、景区和乡村串成一次完整的旅行,收获“诗和远方”的美好体验。",
            "Lishi District has made Wangyingzhuang and Dadonggou its demonstration sites, where "
            "scenic-area, "
            "rural and city tourism develop together: tourism infrastructure is being built faster, boutique "
            "routes are carefully designed and there is more and more to do.\n\n"
            "Follow a boutique route to link the city, the scenic areas and the countryside in one trip, "
            "and find the poetry of faraway places close at hand.",
        ),
        latitude=D("37.536400"),
        longitude=D("111.176300"),
        themes=("pastoral-complex",),
        honours=(T("离石区乡村旅游示范点", "Lishi District rural tourism demonstration site"),),
    ),
    VillageSeed(
        slug="dadonggou",
        name=T("大东沟", "Dadonggou"),
        township=T("离石区", "Lishi District"),
        summary=T(
            "离石区乡村旅游示范点,精品旅游线路串起景区、乡村与城区。",
            "A rural tourism demonstration site of Lishi, where boutique routes link scenic areas, "
            "villages and the city.",
        ),
        story=T(
            "大东沟与王营庄一道,是离石区乡村旅游的示范点。这里坚持景区旅游、乡村旅游与城区旅游协同发展,"
            "加快旅游基础设施建设,精心设计精品旅游线路,吸引了大量游客。\n\n"
            "走进大东沟,在山野间放慢脚步,体验“诗和远方”的美好。",
            "Together with Wangyingzhuang, Dadonggou is one of Lishi's rural tourism demonstration sites. "
            "Scenic-area, rural and city tourism develop together here, tourism infrastructure is being "
            "built faster and carefully designed boutique routes draw many visitors.\n\n"
            "Come to Dadonggou to slow down among the hills and enjoy the poetry of faraway places.",
        ),
        latitude=D("37.476900"),
        longitude=D("111.216500"),
        themes=("forest-camping",),
        honours=(T("离石区乡村旅游示范点", "Lishi District rural tourism demonstration site"),),
    ),
)
