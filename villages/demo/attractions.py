"""Demo attractions, three or four per village (see the ``source`` note in ``villages.demo.data``).

From the article: 安国寺 (杜家山村, national key cultural relics protection site), 葫芦文化园 and
中国葫芦名人堂 (严村), and the restored courtyards of 彩家庄村. Every other attraction, and every
description, price, duration and coordinate, is demo.
"""

from decimal import Decimal as D

from villages.demo import hours
from villages.demo.schema import AttractionSeed, T

TEMPLE, HERITAGE, MUSEUM, SCENIC, FARM, CAMPSITE, CULTURE = (
    "temple",
    "heritage",
    "museum",
    "scenic",
    "farm",
    "campsite",
    "culture",
)
NATIONAL = "national"

ATTRACTIONS = (
    # 彩家庄村
    AttractionSeed(
        village="caijiazhuang",
        slug="ancient-courtyards",
        name=T("彩家庄古院落", "Caijiazhuang Ancient Courtyards"),
        kind=HERITAGE,
        summary=T(
            "修缮一新的古院落,承载乡村的往昔岁月。", "Restored old courtyards that carry the village's past."
        ),
        description=T(
            "彩家庄村修缮了一批古院落,老屋、院墙和门楼重新焕发生机。可以走进院子,看看过去的人家怎样生活。",
            "Caijiazhuang has restored a group of its ancient courtyards, bringing old houses, walls and "
            "gateways back to life. Step inside to see how families once lived.",
        ),
        latitude=D("37.585100"),
        longitude=D("111.203700"),
        hours=hours.DAILY,
        visit_minutes=60,
        ticket_price=D("10.00"),
    ),
    AttractionSeed(
        village="caijiazhuang",
        slug="village-history-hall",
        name=T("彩家庄村史馆", "Caijiazhuang Village History Hall"),
        kind=MUSEUM,
        summary=T("老物件与老照片里的村庄记忆。", "Village memories in old objects and photographs."),
        description=T(
            "小小的村史馆陈列农具、家什和老照片,讲述彩家庄一代代人的日子。",
            "A small hall of farm tools, household objects and old photographs that tells the everyday story "
            "of generations of Caijiazhuang families.",
        ),
        latitude=D("37.583600"),
        longitude=D("111.205900"),
        hours=hours.CLOSED_MONDAYS,
        visit_minutes=40,
    ),
    AttractionSeed(
        village="caijiazhuang",
        slug="jujube-orchard",
        name=T("枣园采摘", "Jujube Orchard"),
        kind=FARM,
        summary=T("秋天在枣树下采摘红枣。", "Pick red jujubes under the trees in autumn."),
        description=T(
            "村边的枣园春天开花、秋天结果,采摘季可以亲手摘红枣,尝一尝黄土地的甜。",
            "The orchard at the edge of the village blossoms in spring and fruits in autumn. In picking "
            "season, harvest red jujubes yourself and taste the sweetness of the loess.",
        ),
        latitude=D("37.588200"),
        longitude=D("111.209400"),
        hours=hours.DAILY,
        visit_minutes=90,
        ticket_price=D("20.00"),
    ),
    AttractionSeed(
        village="caijiazhuang",
        slug="ridge-viewpoint",
        name=T("黄土梁观景台", "Loess Ridge Viewpoint"),
        kind=SCENIC,
        summary=T("俯瞰村庄与层层梯田。", "Look over the village and its terraced fields."),
        description=T(
            "沿小路登上村后的黄土梁,整个村庄和层层梯田尽收眼底,日出日落时最美。",
            "A short path climbs the loess ridge behind the village to a view over the houses and the "
            "terraced fields, loveliest at sunrise and sunset.",
        ),
        latitude=D("37.590600"),
        longitude=D("111.201200"),
        hours=hours.DAWN_TO_DUSK,
        visit_minutes=45,
    ),
    # 严村
    AttractionSeed(
        village="yancun",
        slug="gourd-culture-park",
        name=T("葫芦文化园", "Gourd Culture Park"),
        kind=CULTURE,
        summary=T(
            "严村乡村旅游的核心,葫芦文化艺术展的举办地。",
            "The heart of Yancun's rural tourism, home of the gourd culture and art exhibition.",
        ),
        description=T(
            "严村依托葫芦文化园打造乡村旅游示范村,并在这里成功举办葫芦文化艺术展。园内可以看到形态各异的葫芦"
            "和葫芦工艺品。",
            "Yancun built its rural tourism around the Gourd Culture Park, where it hosted a gourd culture "
            "and "
            "art exhibition. Gourds of every shape and gourd crafts are on show.",
        ),
        latitude=D("37.447000"),
        longitude=D("111.060900"),
        hours=hours.CLOSED_MONDAYS,
        visit_minutes=90,
        ticket_price=D("20.00"),
    ),
    AttractionSeed(
        village="yancun",
        slug="gourd-hall-of-fame",
        name=T("中国葫芦名人堂", "China Gourd Hall of Fame"),
        kind=MUSEUM,
        summary=T(
            "与名人堂合作建设,推动葫芦产业发展。",
            "Built together with the Hall of Fame to promote the gourd industry.",
        ),
        description=T(
            "严村与名人堂合作建设中国葫芦名人堂,展示葫芦文化与葫芦产业的发展。",
            "Yancun built the China Gourd Hall of Fame together with the Hall of Fame. It presents gourd "
            "culture and the growth of the gourd industry.",
        ),
        latitude=D("37.445800"),
        longitude=D("111.062700"),
        hours=hours.CLOSED_MONDAYS,
        visit_minutes=60,
    ),
    AttractionSeed(
        village="yancun",
        slug="gourd-craft-workshop",
        name=T("葫芦烙画工坊", "Gourd Pyrography Workshop"),
        kind=CULTURE,
        summary=T("跟着手艺人在葫芦上烙一幅画。", "Burn a picture into a gourd with a local craftsman."),
        description=T(
            "在工坊里认识葫芦从种植、晾晒到雕刻、烙画的过程,还可以亲手做一件葫芦作品带回家。",
            "Learn how a gourd is grown, dried, carved and decorated with a hot iron, then make a gourd of "
            "your own to take home.",
        ),
        latitude=D("37.448100"),
        longitude=D("111.063500"),
        hours=hours.CLOSED_MONDAYS,
        visit_minutes=90,
        ticket_price=D("30.00"),
    ),
    AttractionSeed(
        village="yancun",
        slug="gourd-garden",
        name=T("葫芦种植园", "Gourd Garden"),
        kind=FARM,
        summary=T("夏秋时节,葫芦挂满藤架。", "In summer and autumn gourds hang from every trellis."),
        description=T(
            "藤架下是一条绿色长廊,夏秋时节大大小小的葫芦挂满枝头,适合拍照和带孩子认识作物。",
            "The trellises make a long green gallery. In summer and autumn gourds large and small hang "
            "overhead, a fine place for photos and for children to learn about crops.",
        ),
        latitude=D("37.443900"),
        longitude=D("111.058800"),
        hours=hours.DAILY,
        visit_minutes=45,
    ),
    # 归化村
    AttractionSeed(
        village="guihua",
        slug="visitor-centre",
        name=T("归化村游客中心", "Guihua Visitor Centre"),
        kind=CULTURE,
        summary=T(
            "乡村旅游景区的起点,领取导览图。", "Start of the rural tourism scenic area; pick up a map."
        ),
        description=T(
            "在游客中心了解归化村这个省3A级乡村旅游示范村,领取导览图,再出发去各处景观。",
            "Learn about Guihua, a provincial 3A-level rural tourism demonstration village, pick up a map "
            "and "
            "set out for its landscapes.",
        ),
        latitude=D("37.431000"),
        longitude=D("111.092600"),
        hours=hours.DAILY,
        visit_minutes=20,
    ),
    AttractionSeed(
        village="guihua",
        slug="integrity-culture-hall",
        name=T("廉政文化馆", "Integrity Culture Hall"),
        kind=CULTURE,
        summary=T("以家风家训讲述清正廉洁。", "Integrity told through family traditions and maxims."),
        description=T(
            "展馆以家风家训和乡贤故事讲述清正廉洁的传统,适合研学团队参观。",
            "Family maxims and stories of respected villagers tell the tradition of honest, clean conduct. "
            "A good visit for study groups.",
        ),
        latitude=D("37.432400"),
        longitude=D("111.094300"),
        hours=hours.CLOSED_MONDAYS,
        visit_minutes=45,
    ),
    AttractionSeed(
        village="guihua",
        slug="hillside-viewpoint",
        name=T("山间观景步道", "Hillside Viewpoint Trail"),
        kind=SCENIC,
        summary=T("一路串起村里的几处景观。", "A trail linking several of the village's landscapes."),
        description=T(
            "步道从村边缓缓上山,沿途有几处观景平台,可以看山、看田、看村庄。",
            "The trail climbs gently from the edge of the village past several viewing platforms over hills, "
            "fields and houses.",
        ),
        latitude=D("37.435800"),
        longitude=D("111.097900"),
        hours=hours.DAWN_TO_DUSK,
        visit_minutes=90,
    ),
    AttractionSeed(
        village="guihua",
        slug="folk-custom-square",
        name=T("民俗文化广场", "Folk Customs Square"),
        kind=CULTURE,
        summary=T("村民聚会、节庆表演的地方。", "Where villagers gather and festivals are performed."),
        description=T(
            "广场是村里最热闹的地方,节庆时有秧歌和民间表演,平日可以看到质朴的乡村生活。",
            "The liveliest place in the village: yangge dancing and folk performances at festivals, and the "
            "simple rhythm of village life on ordinary days.",
        ),
        latitude=D("37.430400"),
        longitude=D("111.094900"),
        hours=hours.DAWN_TO_DUSK,
        visit_minutes=30,
    ),
    # 杜家山村
    AttractionSeed(
        village="dujiashan",
        slug="anguo-temple",
        name=T("安国寺", "Anguo Temple"),
        kind=TEMPLE,
        heritage_level=NATIONAL,
        summary=T(
            "杜家山村的国家级文物保护单位。", "Dujiashan's national key cultural relics protection site."
        ),
        description=T(
            "安国寺是全国重点文物保护单位,是杜家山村这个传统村落和历史文化名村最重要的文物古迹。参观时请保持安静,"
            "爱护文物。",
            "Anguo Temple is a national key cultural relics protection site and the most important heritage "
            "of Dujiashan, a traditional and historic-cultural village. Please keep quiet and take care of "
            "the relics during your visit.",
        ),
        latitude=D("37.565200"),
        longitude=D("111.054600"),
        hours=hours.DAILY,
        visit_minutes=90,
        ticket_price=D("20.00"),
    ),
    AttractionSeed(
        village="dujiashan",
        slug="old-village-lanes",
        name=T("杜家山古村巷", "Dujiashan Old Lanes"),
        kind=HERITAGE,
        summary=T("石板小巷与老院落。", "Stone-paved lanes and old courtyards."),
        description=T(
            "经过人居环境整治,村里的小巷干净整洁,老院落依山而建,处处是浓郁的乡土风情。",
            "After the village's living-environment improvement the lanes are clean and tidy; old courtyards "
            "climb the hillside, full of local character.",
        ),
        latitude=D("37.562300"),
        longitude=D("111.057400"),
        hours=hours.DAWN_TO_DUSK,
        visit_minutes=60,
    ),
    AttractionSeed(
        village="dujiashan",
        slug="cave-dwelling-courtyards",
        name=T("窑洞院落群", "Cave-Dwelling Courtyards"),
        kind=HERITAGE,
        summary=T("黄土高原上的传统窑洞人家。", "Traditional cave homes of the Loess Plateau."),
        description=T(
            "一排排窑洞顺着山势排开,拱形的门窗贴着窗花,冬暖夏凉,是黄土高原最有代表性的民居。",
            "Rows of cave dwellings follow the slope, their arched doors and windows decorated with "
            "paper-cuts. "
            "Warm in winter and cool in summer, they are the typical homes of the Loess Plateau.",
        ),
        latitude=D("37.560500"),
        longitude=D("111.059900"),
        hours=hours.DAILY,
        visit_minutes=45,
    ),
    AttractionSeed(
        village="dujiashan",
        slug="sunset-ridge",
        name=T("杜家山日落梁", "Dujiashan Sunset Ridge"),
        kind=SCENIC,
        summary=T("看夕阳落进层层山峦。", "Watch the sun set over folds of hills."),
        description=T(
            "村西的山梁视野开阔,傍晚时分可以看到夕阳落入连绵的黄土山峦。",
            "The ridge west of the village has wide views; in the evening the sun sinks behind rolling loess "
            "hills.",
        ),
        latitude=D("37.563900"),
        longitude=D("111.050800"),
        hours=hours.DAWN_TO_DUSK,
        visit_minutes=40,
    ),
    # 王营庄
    AttractionSeed(
        village="wangyingzhuang",
        slug="pastoral-orchard",
        name=T("王营庄田园采摘园", "Wangyingzhuang Orchard"),
        kind=FARM,
        summary=T("离城不远的四季采摘园。", "A year-round picking orchard not far from the city."),
        description=T(
            "采摘园按季节提供草莓、桃子、葡萄等采摘,适合亲子周末游。",
            "Pick strawberries, peaches or grapes according to the season: an easy family weekend outing.",
        ),
        latitude=D("37.537200"),
        longitude=D("111.174800"),
        hours=hours.DAILY,
        visit_minutes=90,
        ticket_price=D("15.00"),
    ),
    AttractionSeed(
        village="wangyingzhuang",
        slug="weekend-market",
        name=T("王营庄乡村市集", "Wangyingzhuang Village Market"),
        kind=CULTURE,
        summary=T("周末市集:土特产、小吃与手工艺。", "Weekend market: local produce, snacks and crafts."),
        description=T(
            "每逢周末,村民把小米、红枣、手工面食和手工艺品摆上市集,也有联农商品供应的好物。",
            "Every weekend villagers bring millet, jujubes, handmade noodles and crafts to the market, "
            "alongside produce from the farmers' supply company.",
        ),
        latitude=D("37.535600"),
        longitude=D("111.177500"),
        hours=hours.WEEKENDS,
        visit_minutes=60,
    ),
    AttractionSeed(
        village="wangyingzhuang",
        slug="riverside-greenway",
        name=T("河畔绿道", "Riverside Greenway"),
        kind=SCENIC,
        summary=T(
            "连接城区与乡村的骑行、散步绿道。",
            "A walking and cycling greenway from the city to the countryside.",
        ),
        description=T(
            "绿道沿河而建,平缓好走,一头连着城区,一头连着田园,是城区旅游与乡村旅游之间的纽带。",
            "The greenway follows the river on easy, level ground, linking the city at one end with the "
            "fields at the other.",
        ),
        latitude=D("37.533100"),
        longitude=D("111.170400"),
        hours=hours.DAWN_TO_DUSK,
        visit_minutes=60,
    ),
    # 大东沟
    AttractionSeed(
        village="dadonggou",
        slug="forest-campsite",
        name=T("大东沟森林露营地", "Dadonggou Forest Campsite"),
        kind=CAMPSITE,
        summary=T("林间草地上的露营与烧烤。", "Camping and barbecues on a meadow among the trees."),
        description=T(
            "营地设在林间草地上,提供帐篷位、烧烤区和洗漱间,夜里可以围着营灯聊天、看星星。",
            "Pitches, a barbecue area and washrooms on a meadow among the trees; at night, chat by the "
            "lantern "
            "and watch the stars.",
        ),
        latitude=D("37.479800"),
        longitude=D("111.220300"),
        hours=hours.CAMPSITE,
        visit_minutes=240,
        ticket_price=D("50.00"),
    ),
    AttractionSeed(
        village="dadonggou",
        slug="gully-trail",
        name=T("大东沟沟谷步道", "Dadonggou Gully Trail"),
        kind=SCENIC,
        summary=T("沿沟谷而行的林荫步道。", "A shady trail along the gully."),
        description=T(
            "步道沿着沟谷蜿蜒,两侧林木葱郁,夏天也很凉爽,全程有指示牌。",
            "The trail winds along the wooded gully, cool even in summer, and is signposted all the way.",
        ),
        latitude=D("37.474200"),
        longitude=D("111.219100"),
        hours=hours.DAWN_TO_DUSK,
        visit_minutes=120,
    ),
    AttractionSeed(
        village="dadonggou",
        slug="stargazing-deck",
        name=T("星空观景台", "Stargazing Deck"),
        kind=SCENIC,
        summary=T("远离城市灯光,看满天星斗。", "Away from the city lights, under a sky full of stars."),
        description=T(
            "观景台在山顶开阔处,晴朗的夜晚可以看到银河。夜间上山请结伴并带好手电。",
            "The deck sits on an open hilltop; on clear nights the Milky Way is visible. Go up in company "
            "and bring a torch at night.",
        ),
        latitude=D("37.481600"),
        longitude=D("111.214200"),
        hours=hours.CAMPSITE,
        visit_minutes=60,
    ),
    AttractionSeed(
        village="dadonggou",
        slug="nature-school",
        name=T("自然教育营地", "Nature School"),
        kind=CULTURE,
        summary=T("认识植物、昆虫和鸟类的自然课堂。", "An outdoor classroom on plants, insects and birds."),
        description=T(
            "自然教育营地为孩子们准备了认识植物、昆虫和鸟类的课程,周末有向导带领的林间观察。",
            "Courses for children on plants, insects and birds, with guided forest walks at weekends.",
        ),
        latitude=D("37.477700"),
        longitude=D("111.213100"),
        hours=hours.CLOSED_MONDAYS,
        visit_minutes=120,
        ticket_price=D("30.00"),
    ),
)
