"""Demo homestays and their room types (all invented: names, rooms, prices, rules, coordinates).

The article says 彩家庄村 created specialty homestays and 杜家山村 focuses on rural tourism homestays;
the homestays below only illustrate that.
"""

from dataclasses import replace
from datetime import time
from decimal import Decimal as D

from villages.demo.schema import HomestaySeed, RoomSeed, T

KANG_FAMILY = RoomSeed(
    name=T("窑洞大炕房", "Cave room with family kang"),
    description=T(
        "传统窑洞,冬暖夏凉,一铺大炕适合一家人同住。",
        "A traditional cave room, warm in winter and cool in summer, with one large heated kang for the "
        "whole family.",
    ),
    beds=T("土炕一铺(可睡4人)", "One heated kang bed (sleeps 4)"),
    capacity=4,
    room_count=2,
    base_price=D("268.00"),
    weekend_price=D("328.00"),
    holiday_price=D("428.00"),
)
CAVE_DOUBLE = RoomSeed(
    name=T("窑洞大床房", "Cave double room"),
    description=T(
        "拱形窑顶下的安静大床房,带独立卫浴。",
        "A quiet double room under the arched cave roof, with its own bathroom.",
    ),
    beds=T("1.8米大床一张", "One 1.8 m double bed"),
    capacity=2,
    room_count=3,
    base_price=D("218.00"),
    weekend_price=D("258.00"),
    holiday_price=D("358.00"),
)
CAVE_TWIN = RoomSeed(
    name=T("窑洞双床房", "Cave twin room"),
    description=T("两张单人床,适合结伴出行的朋友。", "Two single beds, for friends travelling together."),
    beds=T("1.2米单人床两张", "Two 1.2 m single beds"),
    capacity=2,
    room_count=2,
    base_price=D("198.00"),
    weekend_price=D("238.00"),
    holiday_price=D("318.00"),
)
COURTYARD_SUITE = RoomSeed(
    name=T("独院套房", "Private courtyard suite"),
    description=T(
        "独享一方小院,客厅与卧室分开,适合想要安静的客人。",
        "A small courtyard of your own with a separate sitting room and bedroom, for guests who want quiet.",
    ),
    beds=T("1.8米大床一张、沙发床一张", "One 1.8 m double bed and a sofa bed"),
    capacity=3,
    room_count=1,
    base_price=D("388.00"),
    weekend_price=D("458.00"),
    holiday_price=D("588.00"),
    min_nights=2,
    booking_window_days=365,
)
FAMILY_ROOM = RoomSeed(
    name=T("田园家庭房", "Country family room"),
    description=T(
        "窗外就是田野,大床加单人床,适合带孩子的家庭。",
        "Fields outside the window; a double and a single bed for families with a child.",
    ),
    beds=T("1.5米大床一张、1.2米单人床一张", "One 1.5 m double bed and one 1.2 m single bed"),
    capacity=3,
    room_count=2,
    base_price=D("238.00"),
    weekend_price=D("288.00"),
    holiday_price=D("368.00"),
)
FOREST_CABIN = RoomSeed(
    name=T("林间木屋", "Forest cabin"),
    description=T(
        "木屋掩映在树林里,带小露台,夜里可以看星星。",
        "A wooden cabin among the trees with a small deck for stargazing.",
    ),
    beds=T("1.5米大床一张、上下铺一张", "One 1.5 m double bed and a bunk bed"),
    capacity=4,
    room_count=4,
    base_price=D("328.00"),
    weekend_price=D("398.00"),
    holiday_price=D("498.00"),
    same_day_cutoff=time(20),
)
BELL_TENT = RoomSeed(
    name=T("露营帐篷", "Bell tent"),
    description=T(
        "营地里的钟形帐篷,配床垫和被褥,洗漱在公共浴室。",
        "A bell tent on the campsite with mattresses and bedding; shared washrooms.",
    ),
    beds=T("双人床垫一张", "One double mattress"),
    capacity=2,
    room_count=6,
    base_price=D("168.00"),
    weekend_price=D("218.00"),
    holiday_price=None,
    max_nights=3,
    booking_window_days=90,
    same_day_cutoff=time(20),
)

RULES_CAVE = T(
    "入住请出示有效身份证件;院内禁止吸烟;22:00后请保持安静;冬季土炕由店家统一烧火,请勿自行添柴;宠物请提前联系。",
    "Please show a valid ID at check-in. No smoking in the courtyard. Quiet after 22:00. In winter the host "
    "fires the kang; please do not add fuel yourself. Pets by prior arrangement.",
)
RULES_COURTYARD = T(
    "入住请出示有效身份证件;古院落请爱护门窗与家具;室内禁止吸烟;22:00后请保持安静。",
    "Please show a valid ID at check-in. Take care of the old doors, windows and furniture. No smoking "
    "indoors. Quiet after 22:00.",
)
RULES_CAMP = T(
    "入住请出示有效身份证件;营地禁止明火,烧烤请到指定区域;垃圾请带走或分类投放;夜间请结伴出行。",
    "Please show a valid ID at check-in. No open fires: barbecue only in the marked area. Take your rubbish "
    "away or sort it into the bins. Go out in company at night.",
)

WIFI, KANG, BREAKFAST, PARKING = "无线网络 Wi-Fi", "土炕 Heated kang", "早餐 Breakfast", "停车位 Parking"
HEATING, BATHROOM, KITCHEN = "地暖 Floor heating", "独立卫浴 Private bathroom", "共享厨房 Shared kitchen"
COURTYARD, BARBECUE, MEALS = "庭院 Courtyard", "烧烤区 Barbecue area", "农家饭 Farmhouse meals"
STARGAZING, BIKES = "观星露台 Stargazing terrace", "自行车租借 Bike rental"

HOMESTAYS = (
    # 彩家庄村
    HomestaySeed(
        village="caijiazhuang",
        slug="old-courtyard",
        name=T("古院人家", "Old Courtyard Homestay"),
        summary=T("住进修缮一新的古院落。", "Stay in a restored ancient courtyard."),
        description=T(
            "由村里的老院落修缮而成,保留了门楼和木格窗,院中种着枣树。主人家做的农家饭很地道。",
            "A restored village courtyard that keeps its gateway and wooden lattice windows, with a jujube "
            "tree in the yard. The hosts cook real farmhouse meals.",
        ),
        house_rules=RULES_COURTYARD,
        latitude=D("37.584800"),
        longitude=D("111.204100"),
        amenities=(WIFI, COURTYARD, MEALS, BATHROOM, PARKING),
        rooms=(COURTYARD_SUITE, CAVE_DOUBLE),
        cancellation_policy="moderate",
    ),
    HomestaySeed(
        village="caijiazhuang",
        slug="jujube-cave-courtyard",
        name=T("枣香窑院", "Jujube Scent Cave Courtyard"),
        summary=T(
            "枣园边的窑洞小院,秋天满院枣香。",
            "A cave-dwelling courtyard by the orchard, fragrant with jujubes in autumn.",
        ),
        description=T(
            "三孔窑洞围成一方小院,出门就是枣园。冬天睡热炕,秋天跟着主人去打枣。",
            "Three cave rooms around a small yard, with the jujube orchard outside the gate. Sleep on a warm "
            "kang in winter and help the hosts harvest jujubes in autumn.",
        ),
        house_rules=RULES_CAVE,
        latitude=D("37.587600"),
        longitude=D("111.208300"),
        amenities=(WIFI, KANG, BREAKFAST, PARKING),
        rooms=(KANG_FAMILY, replace(CAVE_TWIN, room_count=1)),
        cancellation_policy="flexible",
    ),
    HomestaySeed(
        village="caijiazhuang",
        slug="ridge-view-inn",
        name=T("梁上人家", "Ridge View Inn"),
        summary=T(
            "黄土梁下的安静民宿,看日出最方便。", "A quiet inn below the loess ridge, handy for the sunrise."
        ),
        description=T(
            "民宿靠近观景台,清晨上梁看日出,回来正好吃早饭。",
            "Close to the viewpoint: climb the ridge for the sunrise and be back in time for breakfast.",
        ),
        house_rules=RULES_CAVE,
        latitude=D("37.589700"),
        longitude=D("111.202400"),
        amenities=(WIFI, BREAKFAST, HEATING, BATHROOM),
        rooms=(CAVE_DOUBLE, replace(CAVE_TWIN, room_count=3)),
    ),
    # 严村
    HomestaySeed(
        village="yancun",
        slug="gourd-courtyard",
        name=T("葫芦小院", "Gourd Courtyard Inn"),
        summary=T("藤架下挂满葫芦的农家小院。", "A farmhouse courtyard under trellises hung with gourds."),
        description=T(
            "院子里搭着葫芦架,主人是做葫芦烙画的手艺人,住客可以跟着学一学。",
            "Gourd trellises shade the yard. The host is a gourd pyrography craftsman and guests are welcome "
            "to learn from him.",
        ),
        house_rules=RULES_COURTYARD,
        latitude=D("37.447400"),
        longitude=D("111.062100"),
        amenities=(WIFI, COURTYARD, BREAKFAST, PARKING),
        rooms=(FAMILY_ROOM, replace(CAVE_DOUBLE, room_count=2)),
    ),
    HomestaySeed(
        village="yancun",
        slug="yancun-farmstead",
        name=T("严村农家", "Yancun Farmstead"),
        summary=T(
            "吃农家饭、睡热炕的窑洞农家。", "A cave-dwelling farmstead with farmhouse meals and warm kangs."
        ),
        description=T(
            "地道的窑洞农家,离葫芦文化园步行五分钟。",
            "A genuine cave-dwelling farmstead, five minutes' walk from the Gourd Culture Park.",
        ),
        house_rules=RULES_CAVE,
        latitude=D("37.445100"),
        longitude=D("111.060200"),
        amenities=(KANG, MEALS, PARKING),
        rooms=(replace(KANG_FAMILY, room_count=3, base_price=D("238.00"), weekend_price=D("288.00")),),
        cancellation_policy="flexible",
    ),
    # 归化村
    HomestaySeed(
        village="guihua",
        slug="folk-house",
        name=T("归化民风小院", "Guihua Folk House"),
        summary=T("住在村里,感受质朴民风。", "Live in the village and share its simple ways."),
        description=T(
            "小院就在民俗文化广场旁边,节庆时推门就能看秧歌。",
            "The courtyard is next to the Folk Customs Square: at festival time the yangge dancers are right "
            "outside the gate.",
        ),
        house_rules=RULES_COURTYARD,
        latitude=D("37.430900"),
        longitude=D("111.095300"),
        amenities=(WIFI, COURTYARD, MEALS),
        rooms=(FAMILY_ROOM, CAVE_TWIN),
    ),
    HomestaySeed(
        village="guihua",
        slug="hillside-cave-lodge",
        name=T("山畔窑居", "Hillside Cave Lodge"),
        summary=T(
            "半山腰的窑洞,窗外就是风景。", "Cave rooms halfway up the hill with the view at the window."
        ),
        description=T(
            "沿观景步道上行几分钟即到,窑洞前有一片露台,可以看整个村庄。",
            "A few minutes up the viewpoint trail; the terrace in front of the caves looks over the whole "
            "village.",
        ),
        house_rules=RULES_CAVE,
        latitude=D("37.434700"),
        longitude=D("111.096800"),
        amenities=(WIFI, KANG, BREAKFAST, HEATING),
        rooms=(KANG_FAMILY, CAVE_DOUBLE),
        cancellation_policy="strict",
        instant_book=False,
    ),
    # 杜家山村
    HomestaySeed(
        village="dujiashan",
        slug="loess-cave-courtyard",
        name=T("黄土窑洞院", "Loess Cave Courtyard"),
        summary=T(
            "依山而建的传统窑洞四合院。", "A traditional cave-dwelling courtyard built into the hillside."
        ),
        description=T(
            "五孔窑洞围着一方院子,窗上贴着窗花,冬天烧热炕。步行十分钟到安国寺。",
            "Five cave rooms around a courtyard, paper-cuts on the windows and warm kangs in winter. Anguo "
            "Temple is a ten-minute walk away.",
        ),
        house_rules=RULES_CAVE,
        latitude=D("37.561200"),
        longitude=D("111.058900"),
        amenities=(WIFI, KANG, BREAKFAST, MEALS, PARKING),
        rooms=(KANG_FAMILY, CAVE_DOUBLE, CAVE_TWIN),
    ),
    HomestaySeed(
        village="dujiashan",
        slug="temple-side-lodge",
        name=T("安国山居", "Anguo Hill Lodge"),
        summary=T("安国寺附近的安静山居。", "A quiet hill lodge near Anguo Temple."),
        description=T(
            "清晨听钟声醒来,早饭后慢慢走去安国寺。房间由老窑洞改造,保留拱顶,设施齐全。",
            "Wake to the morning bell and stroll to Anguo Temple after breakfast. The rooms are converted "
            "old "
            "caves that keep their arched ceilings, with every comfort.",
        ),
        house_rules=RULES_COURTYARD,
        latitude=D("37.564400"),
        longitude=D("111.055800"),
        amenities=(WIFI, BREAKFAST, HEATING, BATHROOM),
        rooms=(COURTYARD_SUITE, replace(CAVE_DOUBLE, room_count=4)),
        cancellation_policy="strict",
    ),
    HomestaySeed(
        village="dujiashan",
        slug="sunset-courtyard",
        name=T("日落小院", "Sunset Courtyard"),
        summary=T("村西山梁下,傍晚看日落。", "Below the western ridge, for the evening sunset."),
        description=T(
            "小院在村子西头,晚饭后上日落梁看夕阳,夜里在院中喝茶看星星。",
            "At the western end of the village: after dinner walk up Sunset Ridge, then drink tea under the "
            "stars in the yard.",
        ),
        house_rules=RULES_CAVE,
        latitude=D("37.563100"),
        longitude=D("111.052200"),
        amenities=(KANG, COURTYARD, MEALS),
        rooms=(replace(KANG_FAMILY, room_count=1), replace(CAVE_TWIN, room_count=2)),
        cancellation_policy="flexible",
    ),
    # 王营庄
    HomestaySeed(
        village="wangyingzhuang",
        slug="pastoral-cottage",
        name=T("田园小筑", "Pastoral Cottage"),
        summary=T(
            "采摘园旁的田园民宿,离城区不远。", "A country guesthouse by the orchard, not far from the city."
        ),
        description=T(
            "推窗就是果园,适合周末从城区出发的亲子家庭。提供自行车,可以沿河畔绿道骑行。",
            "Open the window onto the orchard: ideal for families on a weekend out of the city. Bikes are "
            "provided for the riverside greenway.",
        ),
        house_rules=RULES_COURTYARD,
        latitude=D("37.537900"),
        longitude=D("111.175600"),
        amenities=(WIFI, BREAKFAST, PARKING, BIKES, KITCHEN),
        rooms=(
            FAMILY_ROOM,
            replace(
                CAVE_DOUBLE,
                name=T("田园大床房", "Country double room"),
                description=T("宽敞的大床房,带独立卫浴。", "A roomy double room with its own bathroom."),
            ),
        ),
    ),
    HomestaySeed(
        village="wangyingzhuang",
        slug="riverside-home",
        name=T("河畔人家", "Riverside Home"),
        summary=T(
            "绿道边的小民宿,骑行歇脚好去处。", "A small guesthouse on the greenway, a good stop for cyclists."
        ),
        description=T(
            "民宿就在河畔绿道边,有存车处和简单的维修工具,周末还能逛乡村市集。",
            "Right on the riverside greenway, with bike storage and basic repair tools; the village market "
            "is "
            "on at weekends.",
        ),
        house_rules=RULES_COURTYARD,
        latitude=D("37.533800"),
        longitude=D("111.171900"),
        amenities=(WIFI, BIKES, PARKING),
        rooms=(replace(CAVE_TWIN, name=T("双床房", "Twin room")), replace(FAMILY_ROOM, room_count=1)),
        cancellation_policy="flexible",
    ),
    # 大东沟
    HomestaySeed(
        village="dadonggou",
        slug="forest-cabins",
        name=T("林间木屋", "Forest Cabins"),
        summary=T(
            "森林里的木屋,营地和步道就在门口。",
            "Wooden cabins in the forest, with the campsite and trail at the door.",
        ),
        description=T(
            "几座木屋散落在林间,离露营地和星空观景台都很近,适合想住得舒服一些的露营爱好者。",
            "A few cabins scattered among the trees, close to the campsite and the stargazing deck: camping "
            "with a real bed.",
        ),
        house_rules=RULES_CAMP,
        latitude=D("37.478800"),
        longitude=D("111.218400"),
        amenities=(WIFI, BARBECUE, STARGAZING, PARKING),
        rooms=(FOREST_CABIN,),
        cancellation_policy="strict",
        check_in_time=time(15),
        check_out_time=time(11),
    ),
    HomestaySeed(
        village="dadonggou",
        slug="camp-tents",
        name=T("大东沟营地帐篷", "Dadonggou Camp Tents"),
        summary=T("拎包入住的营地帐篷。", "Ready-pitched tents: just bring yourself."),
        description=T(
            "帐篷已经搭好,床垫被褥齐全,晚上可以在烧烤区围炉夜话。",
            "The tents are pitched and made up with mattresses and bedding; spend the evening talking by the "
            "barbecue.",
        ),
        house_rules=RULES_CAMP,
        latitude=D("37.480300"),
        longitude=D("111.221000"),
        amenities=(BARBECUE, STARGAZING, PARKING),
        rooms=(BELL_TENT,),
        cancellation_policy="moderate",
        check_in_time=time(15),
        check_out_time=time(11),
    ),
)
