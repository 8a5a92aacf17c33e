"""Read-only JSON API of the village catalogue, the base of the WeChat mini-program.

Field names are stable English codes. Text a person reads comes in both languages as {"zh", "en"};
money as a decimal string with two places plus "currency"; coordinates as WGS-84 "lat"/"lng" numbers.
Only published content is visible: anything else answers 404 like an unknown id.
"""

from villages.api.endpoints import router

__all__ = ["router"]
