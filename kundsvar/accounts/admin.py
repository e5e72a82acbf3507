from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Agent, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Agent)
class AgentAdmin(UserAdmin):
    inlines = [MembershipInline]
    fieldsets = [*UserAdmin.fieldsets, ("Kundsvar", {"fields": ["language"]})]
