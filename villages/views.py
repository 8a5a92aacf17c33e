from django.http import HttpResponse


def village_list(request):
    return HttpResponse()


village_detail = attraction_detail = homestay_detail = route_detail = village_list
