"""The "Bemanning" page, /insights/staffing/<shop>/: next week's need against the shifts
(rules S5, T1). Shop admins only; an agent of another shop gets 404."""

from django.shortcuts import render

from kundsvar.accounts.security import shop_admin_required

from . import staffing


@shop_admin_required
def staffing_page(request, shop):
    plan = staffing.plan(shop)
    return render(
        request,
        "insights/staffing.html",
        {
            "shop": shop,
            "plan": plan,
            "chart": staffing.chart(plan),
            "days": plan.days(),
            "handle_minutes": {k: round(v / 60, 1) for k, v in plan.handle_seconds.items()},
            "per_person": staffing.PER_DEDICATED_PERSON,
            "occupancy": round(staffing.OCCUPANCY * 100),
        },
    )
