"""The knowledge base for the shop's team, under /kb/: every agent of the shop may read
it; only the shop's admins write, publish and translate (403 for the others, 404 for
anyone outside the shop)."""

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundsvar.accounts.security import shop_admin_required
from kundsvar.cases.queries import is_shop_admin
from kundsvar.core.language import shop_languages
from kundsvar.shops.models import Shop

from . import queries, search, services, topics, words
from .forms import LANGUAGE_NAMES, ArticleForm, CategoryForm, NewArticleForm
from .markup import render as render_markdown
from .models import Article, Category, Status


def _member_shops(agent):
    if agent.is_superuser:
        return Shop.objects.all()
    return Shop.objects.filter(memberships__agent=agent).distinct()


def shop_member_required(view):
    """For views taking `slug`: any agent of the shop may read; others get 404."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        shop = get_object_or_404(_member_shops(request.user), slug=slug)
        return view(request, shop, *args, **kwargs)

    return wrapper


def _context(request, shop, section: str, **extra) -> dict:
    return {
        "shop": shop,
        "section": section,
        "can_edit": is_shop_admin(request.user, shop.pk),
        **extra,
    }


@login_required
def index(request):
    shops = list(_member_shops(request.user))
    if len(shops) == 1:
        return redirect("knowledge:manage", shops[0].slug)
    return render(
        request, "knowledge/manage/index.html", {"shops": shops}, status=200 if shops else 403
    )


@shop_member_required
def articles(request, shop):
    found = Article.objects.filter(shop=shop).select_related("category")
    language = request.GET.get("language", "")
    if language in LANGUAGE_NAMES:
        found = found.filter(language=language)
    status = request.GET.get("status", "")
    if status in Status.values:
        found = found.filter(status=status)
    query = " ".join(request.GET.get("q", "").split())[:200]
    if query:
        stems = {w for code in shop_languages(shop) for w in words.meaningful_stems(query, code)}
        found = search.ranked(found, sorted(stems))
    else:
        found = found.order_by(
            "category__position", "category__name", "position", "title", "language"
        )
    return render(
        request,
        "knowledge/manage/articles.html",
        _context(
            request,
            shop,
            "articles",
            articles=found[:500],
            query=query,
            language=language,
            status=status,
            languages=[(c, LANGUAGE_NAMES[c]) for c in shop_languages(shop)],
            statuses=Status.choices,
        ),
    )


def _preview(form) -> str:
    return render_markdown(form.data.get("body", "")) if form.is_bound else ""


@shop_admin_required
def new(request, shop):
    language = request.POST.get("language") or request.GET.get("language") or shop.language
    if language not in shop_languages(shop):
        language = shop.language
    form = NewArticleForm(request.POST or None, shop=shop, language=language)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        data = form.cleaned_data
        article = services.create_article(
            shop,
            title=data["title"],
            body=data["body"],
            language=data["language"],
            category=data["category"],
            published=data["published"],
            slug=data["slug"],
            related=data["related"],
            agent=request.user,
            position=data["position"] or 0,
        )
        messages.success(request, _("Article saved."))
        return redirect("knowledge:edit", shop.slug, article.pk)
    return render(
        request,
        "knowledge/manage/edit.html",
        _context(request, shop, "articles", form=form, preview=_preview(form), article=None),
    )


@shop_member_required
def edit(request, shop, pk):
    article = get_object_or_404(Article, shop=shop, pk=pk)
    can_edit = is_shop_admin(request.user, shop.pk)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    initial = {
        "title": article.title,
        "body": article.body,
        "category": article.category,
        "slug": article.slug,
        "related": list(article.related.all()),
        "position": article.position,
    }
    form = ArticleForm(
        request.POST or None, initial=initial, shop=shop, language=article.language, article=article
    )
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        data = form.cleaned_data
        services.update_article(
            article,
            title=data["title"],
            body=data["body"],
            category=data["category"],
            slug=data["slug"],
            related=data["related"],
            agent=request.user,
            position=data["position"] or 0,
        )
        messages.success(request, _("Article saved."))
        return redirect("knowledge:edit", shop.slug, article.pk)
    versions = {
        a.language: a for a in Article.objects.filter(translation_group=article.translation_group)
    }
    return render(
        request,
        "knowledge/manage/edit.html",
        _context(
            request,
            shop,
            "articles",
            form=form,
            article=article,
            preview=_preview(form) or article.body_html,
            versions=[
                (code, LANGUAGE_NAMES[code], versions.get(code))
                for code in shop_languages(shop)
                if code != article.language
            ],
        ),
    )


@require_POST
@shop_admin_required
def publish(request, shop, pk):
    article = get_object_or_404(Article, shop=shop, pk=pk)
    if request.POST.get("action") == "unpublish":
        services.unpublish(article, agent=request.user)
        messages.success(request, _("The article is a draft again: customers no longer see it."))
    else:
        services.publish(article, agent=request.user)
        messages.success(request, _("Published: customers can find the article now."))
    return redirect("knowledge:edit", shop.slug, article.pk)


@require_POST
@shop_admin_required
def delete(request, shop, pk):
    article = get_object_or_404(Article, shop=shop, pk=pk)
    services.delete_article(article)
    messages.success(request, _("Article removed."))
    return redirect("knowledge:manage", shop.slug)


@shop_admin_required
def translate(request, shop, pk, language):
    source = get_object_or_404(Article, shop=shop, pk=pk)
    if language not in shop_languages(shop) or language == source.language:
        raise PermissionDenied
    existing = Article.objects.filter(
        translation_group=source.translation_group, language=language
    ).first()
    if existing:
        return redirect("knowledge:edit", shop.slug, existing.pk)
    initial = {
        "title": source.title,
        "body": source.body,
        "category": source.category,
        "position": source.position,
    }
    form = ArticleForm(request.POST or None, initial=initial, shop=shop, language=language)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        data = form.cleaned_data
        try:
            article = services.add_translation(
                source,
                language=language,
                title=data["title"],
                body=data["body"],
                agent=request.user,
            )
        except services.KnowledgeError:
            return redirect("knowledge:edit", shop.slug, source.pk)
        messages.success(request, _("Translation saved as a draft."))
        return redirect("knowledge:edit", shop.slug, article.pk)
    return render(
        request,
        "knowledge/manage/edit.html",
        _context(
            request,
            shop,
            "articles",
            form=form,
            preview=_preview(form),
            article=None,
            source=source,
            translating_to=LANGUAGE_NAMES[language],
        ),
    )


@shop_member_required
def categories(request, shop):
    can_edit = is_shop_admin(request.user, shop.pk)
    form = CategoryForm(request.POST or None, shop=shop)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.save_category(
                shop,
                name=form.cleaned_data["name"],
                names=form.names(),
                position=form.cleaned_data["position"] or 0,
            )
            messages.success(request, _("Category added."))
            return redirect("knowledge:categories", shop.slug)
    return render(
        request,
        "knowledge/manage/categories.html",
        _context(
            request, shop, "categories", form=form, categories=Category.objects.filter(shop=shop)
        ),
    )


@shop_admin_required
def category_edit(request, shop, pk):
    category = get_object_or_404(Category, shop=shop, pk=pk)
    initial = {
        "name": category.name,
        "position": category.position,
        **{f"name_{code}": name for code, name in (category.names or {}).items()},
    }
    form = CategoryForm(request.POST or None, initial=initial, shop=shop, category=category)
    if form.is_valid():
        services.save_category(
            shop,
            name=form.cleaned_data["name"],
            names=form.names(),
            position=form.cleaned_data["position"] or 0,
            category=category,
        )
        messages.success(request, _("Category saved."))
        return redirect("knowledge:categories", shop.slug)
    return render(
        request,
        "knowledge/manage/category_edit.html",
        _context(request, shop, "categories", form=form, category=category),
    )


@shop_member_required
def questions(request, shop):
    """Rule K1: which questions the FAQ should answer, from the shop's own cases."""
    now = timezone.now()
    since = now - timedelta(days=topics.DAYS)
    return render(
        request,
        "knowledge/manage/questions.html",
        _context(
            request,
            shop,
            "questions",
            proposal=topics.proposed_topics(shop, now=now),
            gaps=queries.content_gaps(shop, since),
            days=topics.DAYS,
        ),
    )
