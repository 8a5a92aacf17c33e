"""Demo curated routes, two per village (invented; the article only says Lishi designs boutique routes
linking scenic-area, rural and city tourism, with 王营庄 and 大东沟 as demonstration sites).

Distances, durations and the drawn path are computed by the loader from the stops.
"""

from decimal import Decimal as D

from villages.demo.data import LISHI_CITY_CENTRE
from villages.demo.schema import RouteSeed, StopSeed, T

WALK, CYCLE, DRIVE = "walk", "cycle", "drive"
EASY, MODERATE, HARD = "easy", "moderate", "hard"

CITY_CENTRE = StopSeed(
    name=T("离石城区", "Lishi city centre"),
    latitude=LISHI_CITY_CENTRE[0],
    longitude=LISHI_CITY_CENTRE[1],
    note=T("从城区出发", "Set off from the city"),
)


def at(village: str, slug: str, note: T) -> StopSeed:
    return StopSeed(attraction=(village, slug), note=note)


def point(name: T, latitude: str, longitude: str, note: T) -> StopSeed:
    return StopSeed(name=name, latitude=D(latitude), longitude=D(longitude), note=note)


ROUTES = (
    RouteSeed(
        village="caijiazhuang",
        slug="old-courtyards-walk",
        name=T("古院落漫步", "Old courtyards walk"),
        summary=T(
            "从村口走过古院落和村史馆,登上黄土梁。",
            "From the village gate past the courtyards and history hall up to the ridge.",
        ),
        description=T(
            "一条适合半天的步行线路:先看修缮一新的古院落,再到村史馆听村庄故事,最后登上黄土梁看全村风景。",
            "A half-day walk: the restored courtyards first, then the village's story in the history hall, "
            "and finally the climb to the loess ridge for the view over the village.",
        ),
        mode=WALK,
        difficulty=EASY,
        stops=(
            point(
                T("彩家庄村口", "Caijiazhuang village gate"),
                "37.582900",
                "111.206800",
                T("在村口集合", "Meet at the gate"),
            ),
            at("caijiazhuang", "ancient-courtyards", T("慢慢看院落", "Take your time in the courtyards")),
            at("caijiazhuang", "village-history-hall", T("周一闭馆", "Closed on Mondays")),
            at("caijiazhuang", "ridge-viewpoint", T("最后一段有坡", "Short climb at the end")),
        ),
    ),
    RouteSeed(
        village="caijiazhuang",
        slug="jujube-grove-ride",
        name=T("枣林骑行", "Jujube grove ride"),
        summary=T(
            "沿乡道骑行,经过枣园,回到古院落。",
            "Ride the country road past the orchard and back to the courtyards.",
        ),
        description=T(
            "沿着枣林乡的乡间道路骑行,秋天在枣园停下来采摘,最后回到古院落休息。",
            "Cycle the country roads of Zaolin Township, stop at the orchard to pick jujubes in autumn and "
            "finish with a rest in the old courtyards.",
        ),
        mode=CYCLE,
        difficulty=MODERATE,
        stops=(
            at("caijiazhuang", "ancient-courtyards", T("在院落前出发", "Start in front of the courtyards")),
            point(
                T("枣林乡道", "Zaolin country road"),
                "37.593400",
                "111.214700",
                T("路边有休息点", "Rest stop by the road"),
            ),
            at("caijiazhuang", "jujube-orchard", T("采摘季可停留", "Stop to pick in season")),
            at("caijiazhuang", "ancient-courtyards", T("回到起点", "Back to the start")),
        ),
    ),
    RouteSeed(
        village="yancun",
        slug="gourd-culture-walk",
        name=T("葫芦文化半日游", "Gourd culture half-day walk"),
        summary=T(
            "葫芦文化园、中国葫芦名人堂和烙画工坊。",
            "Gourd Culture Park, China Gourd Hall of Fame and the pyrography workshop.",
        ),
        description=T(
            "一次看懂严村的葫芦:在文化园看展品,在名人堂了解葫芦产业,最后在工坊亲手烙一只葫芦。",
            "Yancun's gourds in one walk: the exhibits of the culture park, the gourd industry in the Hall "
            "of "
            "Fame, and a gourd of your own in the workshop.",
        ),
        mode=WALK,
        difficulty=EASY,
        stops=(
            at("yancun", "gourd-culture-park", T("周一闭园", "Closed on Mondays")),
            at("yancun", "gourd-hall-of-fame", T("步行约五分钟", "About five minutes on foot")),
            at(
                "yancun",
                "gourd-craft-workshop",
                T("手工体验约一个半小时", "The craft session takes about 90 minutes"),
            ),
        ),
    ),
    RouteSeed(
        village="yancun",
        slug="xinyi-villages-ride",
        name=T("信义镇两村骑行", "Xinyi two-village ride"),
        summary=T(
            "从严村葫芦园骑到归化村民俗广场。", "Ride from Yancun's gourd garden to Guihua's folk square."
        ),
        description=T(
            "串起信义镇的两个村:从严村的葫芦种植园出发,经过田间小路,到归化村的民俗文化广场。",
            "Links the two villages of Xinyi Town: from Yancun's gourd garden along field tracks to Guihua's "
            "Folk Customs Square.",
        ),
        mode=CYCLE,
        difficulty=MODERATE,
        stops=(
            at("yancun", "gourd-garden", T("在藤架下出发", "Start under the trellises")),
            point(
                T("田间小路", "Field track"),
                "37.437600",
                "111.076500",
                T("注意农用车", "Watch for farm vehicles"),
            ),
            at("guihua", "folk-custom-square", T("终点", "Finish")),
        ),
    ),
    RouteSeed(
        village="guihua",
        slug="scenic-loop",
        name=T("归化景观环线", "Guihua scenic loop"),
        summary=T(
            "游客中心出发,走过广场,登上观景步道。",
            "From the visitor centre through the square and up the viewpoint trail.",
        ),
        description=T(
            "一条串起归化村多处景观的步行环线,沿途可以感受质朴的民风。",
            "A walking loop through several of Guihua's landscapes and its simple village life.",
        ),
        mode=WALK,
        difficulty=MODERATE,
        stops=(
            at("guihua", "visitor-centre", T("领取导览图", "Pick up a map")),
            at("guihua", "folk-custom-square", T("节庆有表演", "Performances at festivals")),
            at("guihua", "hillside-viewpoint", T("上坡路段", "Uphill section")),
            at("guihua", "visitor-centre", T("回到起点", "Back to the start")),
        ),
    ),
    RouteSeed(
        village="guihua",
        slug="integrity-study-walk",
        name=T("廉政文化研学线", "Integrity culture study walk"),
        summary=T(
            "廉政文化馆与乡贤故事,适合研学团队。",
            "The Integrity Culture Hall and stories of local worthies, for study groups.",
        ),
        description=T(
            "从廉政文化馆出发,沿村中小路走到老槐树下,听讲解员讲家风家训。",
            "Start at the Integrity Culture Hall and follow the village lane to the old locust tree, where a "
            "guide tells the family maxims.",
        ),
        mode=WALK,
        difficulty=EASY,
        stops=(
            at("guihua", "integrity-culture-hall", T("周一闭馆", "Closed on Mondays")),
            point(T("老槐树", "Old locust tree"), "37.433300", "111.091800", T("讲解点", "Guided talk")),
            at("guihua", "folk-custom-square", T("终点", "Finish")),
        ),
    ),
    RouteSeed(
        village="dujiashan",
        slug="temple-and-lanes-walk",
        name=T("安国寺与古村漫步", "Anguo Temple and old lanes walk"),
        summary=T(
            "安国寺、古村巷和窑洞院落。", "Anguo Temple, the old lanes and the cave-dwelling courtyards."
        ),
        description=T(
            "上午参观国家级文物保护单位安国寺,再沿古村巷走到窑洞院落,感受浓郁的乡土风情。",
            "Visit Anguo Temple, a national key cultural relics protection site, in the morning, then follow "
            "the old lanes to the cave-dwelling courtyards.",
        ),
        mode=WALK,
        difficulty=EASY,
        stops=(
            at("dujiashan", "anguo-temple", T("请爱护文物", "Please respect the relics")),
            at(
                "dujiashan",
                "old-village-lanes",
                T("石板路,穿舒适的鞋", "Stone paving: wear comfortable shoes"),
            ),
            at("dujiashan", "cave-dwelling-courtyards", T("终点", "Finish")),
        ),
    ),
    RouteSeed(
        village="dujiashan",
        slug="sunset-ridge-walk",
        name=T("日落梁黄昏步道", "Sunset ridge evening walk"),
        summary=T("从窑洞院落走上山梁看日落。", "From the cave courtyards up to the ridge for the sunset."),
        description=T(
            "傍晚出发,经过山腰的观景点,登上日落梁看夕阳。下山时天色较暗,请带手电。",
            "Set off in the late afternoon, pass the hillside lookout and reach Sunset Ridge for the sunset. "
            "Bring a torch for the way down.",
        ),
        mode=WALK,
        difficulty=MODERATE,
        stops=(
            at(
                "dujiashan", "cave-dwelling-courtyards", T("在院落前出发", "Start in front of the courtyards")
            ),
            point(
                T("山腰观景点", "Hillside lookout"),
                "37.564600",
                "111.053900",
                T("可以歇一歇", "A good place to rest"),
            ),
            at("dujiashan", "sunset-ridge", T("日落前半小时到达最好", "Arrive half an hour before sunset")),
        ),
    ),
    RouteSeed(
        village="wangyingzhuang",
        slug="city-to-countryside-drive",
        name=T("城区—王营庄—杜家山精品自驾", "City, Wangyingzhuang and Dujiashan boutique drive"),
        summary=T("城区、乡村与景区一日串游。", "City, countryside and heritage in one day."),
        description=T(
            "从离石城区出发,先到王营庄田园采摘,再驱车前往杜家山村参观安国寺,体验城区旅游、乡村旅游与景区旅游的协同。",
            "From Lishi city, drive to Wangyingzhuang to pick fruit, then on to Dujiashan to visit Anguo "
            "Temple: city, rural and scenic-area tourism in one day.",
        ),
        mode=DRIVE,
        difficulty=EASY,
        stops=(
            CITY_CENTRE,
            at("wangyingzhuang", "pastoral-orchard", T("采摘约一个半小时", "About 90 minutes of picking")),
            at("dujiashan", "anguo-temple", T("寺前有停车场", "Car park in front of the temple")),
        ),
    ),
    RouteSeed(
        village="wangyingzhuang",
        slug="greenway-ride",
        name=T("河畔绿道骑行", "Riverside greenway ride"),
        summary=T(
            "沿河骑行到乡村市集和采摘园。", "Ride along the river to the village market and the orchard."
        ),
        description=T(
            "沿平缓的河畔绿道骑行,周末在乡村市集买些土特产,最后到采摘园歇脚。",
            "An easy ride on the level riverside greenway; at weekends buy local produce at the village "
            "market, "
            "then rest at the orchard.",
        ),
        mode=CYCLE,
        difficulty=EASY,
        stops=(
            at("wangyingzhuang", "riverside-greenway", T("绿道起点", "Start of the greenway")),
            at("wangyingzhuang", "weekend-market", T("仅周末开市", "Weekends only")),
            at("wangyingzhuang", "pastoral-orchard", T("终点", "Finish")),
        ),
    ),
    RouteSeed(
        village="dadonggou",
        slug="gully-forest-walk",
        name=T("大东沟林间步道", "Dadonggou forest walk"),
        summary=T("沟谷步道、露营地和星空观景台。", "The gully trail, the campsite and the stargazing deck."),
        description=T(
            "沿沟谷步道走进森林,在露营地午餐休息,傍晚登上星空观景台。",
            "Follow the gully trail into the forest, stop for lunch at the campsite and climb to the "
            "stargazing deck in the evening.",
        ),
        mode=WALK,
        difficulty=HARD,
        stops=(
            at("dadonggou", "gully-trail", T("全程有指示牌", "Signposted all the way")),
            at("dadonggou", "forest-campsite", T("午餐休息", "Lunch stop")),
            at("dadonggou", "stargazing-deck", T("夜间请结伴", "Go in company at night")),
        ),
    ),
    RouteSeed(
        village="dadonggou",
        slug="scenic-rural-city-drive",
        name=T("景区·乡村·城区联游", "Scenic, rural and city drive"),
        summary=T(
            "从城区出发,经王营庄市集到大东沟营地。",
            "From the city via the Wangyingzhuang market to the Dadonggou campsite.",
        ),
        description=T(
            "一条体现景区旅游、乡村旅游与城区旅游协同发展的自驾线路:城区出发,周末逛王营庄乡村市集,"
            "下午到大东沟露营,孩子们可以去自然教育营地上一堂课。",
            "A drive that joins city, rural and scenic-area tourism: leave the city, browse the "
            "Wangyingzhuang market at the weekend, and camp at Dadonggou in the afternoon while the children "
            "join a class at the Nature School.",
        ),
        mode=DRIVE,
        difficulty=EASY,
        stops=(
            CITY_CENTRE,
            at("wangyingzhuang", "weekend-market", T("仅周末开市", "Weekends only")),
            at("dadonggou", "forest-campsite", T("营地有停车场", "Parking at the campsite")),
            at("dadonggou", "nature-school", T("周一闭营", "Closed on Mondays")),
        ),
    ),
)
