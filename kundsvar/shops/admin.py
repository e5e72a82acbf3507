from django.contrib import admin

from kundsvar.sla.models import ResponsePolicy

from .models import OpeningHours, Shop, SpecialDay


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class SpecialDayInline(admin.TabularInline):
    model = SpecialDay
    extra = 0


class PolicyInline(admin.StackedInline):
    model = ResponsePolicy
    extra = 0


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, SpecialDayInline, PolicyInline]
