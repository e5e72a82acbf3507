from django.contrib import admin

from .models import Customer, CustomerEmail, CustomerPhone


class EmailInline(admin.TabularInline):
    model = CustomerEmail
    extra = 0
    exclude = ["shop"]


class PhoneInline(admin.TabularInline):
    model = CustomerPhone
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "shop", "language", "created_at"]
    list_filter = ["shop"]
    search_fields = ["name", "emails__address"]
    inlines = [EmailInline, PhoneInline]
