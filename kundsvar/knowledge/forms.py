from django import forms
from django.utils.translation import gettext_lazy as _

from kundsvar.core.language import shop_languages

from .models import LANGUAGES, Article, Category

LANGUAGE_NAMES = dict(LANGUAGES)


class ArticleForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("The question as a customer would ask it.")
    )
    body = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Markdown: **bold**, - lists, [link text](https://…). Raw HTML is shown as text."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        required=False,
        help_text=_("Part of the link, e.g. leveranstid. Empty: made from the title."),
    )
    related = forms.ModelMultipleChoiceField(
        label=_("Related articles"),
        queryset=Article.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shown under the answer. None chosen: others of the same category."),
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=999,
        initial=0,
        help_text=_("Lower numbers come first in their category."),
    )

    def __init__(self, *args, shop, language, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(shop=shop)
        self.fields["category"].label_from_instance = lambda c: c.label(language)
        related = Article.objects.filter(shop=shop, language=language).order_by("title")
        if article is not None:
            related = related.exclude(pk=article.pk)
        self.fields["related"].queryset = related


class NewArticleForm(ArticleForm):
    language = forms.ChoiceField(label=_("Language"))
    published = forms.BooleanField(label=_("Publish now"), required=False)

    field_order = [
        "language",
        "title",
        "body",
        "category",
        "slug",
        "related",
        "position",
        "published",
    ]

    def __init__(self, *args, shop, language, **kwargs):
        super().__init__(*args, shop=shop, language=language, **kwargs)
        self.fields["language"].choices = [
            (code, LANGUAGE_NAMES[code]) for code in shop_languages(shop)
        ]
        self.fields["language"].initial = language


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    name_en = forms.CharField(label=_("Name in English"), max_length=80, required=False)
    name_nb = forms.CharField(label=_("Name in Norwegian"), max_length=80, required=False)
    name_da = forms.CharField(label=_("Name in Danish"), max_length=80, required=False)
    name_sv = forms.CharField(label=_("Name in Swedish"), max_length=80, required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args, shop, category=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop, self.category = shop, category
        for code in ("en", "nb", "da", "sv"):  # only the other languages the shop answers in
            if code == shop.language or code not in shop_languages(shop):
                del self.fields[f"name_{code}"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Category.objects.filter(shop=self.shop, name__iexact=name)
        if self.category is not None:
            taken = taken.exclude(pk=self.category.pk)
        if taken.exists():
            raise forms.ValidationError(_("There is already a category with this name."))
        return name

    def names(self) -> dict:
        return {
            key[5:]: value.strip()
            for key, value in self.cleaned_data.items()
            if key.startswith("name_") and value.strip()
        }
