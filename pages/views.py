from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.client_ip import client_ip
from core.ratelimit import form_refusal

from .forms import FeedbackForm
from .selectors import portal_contact
from .services import feedback_submit


class ContactPageView(TemplateView):
    """A page that shows the contact details staff edit in the back office."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact=portal_contact(), **kwargs)


class ImprintView(ContactPageView):
    """Impressum (§ 5 DDG) with the operator's details."""

    template_name = "pages/imprint.html"


class PrivacyView(ContactPageView):
    """Datenschutzerklärung (Art. 13 DSGVO) with the officer and the supervisory authority."""

    template_name = "pages/privacy.html"


class EasyLanguageView(TemplateView):
    """The portal explained in Leichte Sprache."""

    template_name = "pages/easy_language.html"


class SignLanguageView(TemplateView):
    """The portal explained for users of Deutsche Gebärdensprache: the text of the Leichte
    Sprache page and the place for the agency's video."""

    template_name = "pages/sign_language.html"


class AccessibilityView(FormView):
    """Erklärung zur Barrierefreiheit (BITV 2.0 § 7, EU directive 2016/2102) with the form
    through which visitors report barriers; a report lands in the back office."""

    template_name = "pages/accessibility.html"
    form_class = FeedbackForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contact=portal_contact(), sent=self.request.GET.get("sent") == "1", **kwargs
        )

    def form_valid(self, form):
        request = self.request
        limits = [("pages:feedback:ip", settings.FEEDBACK_RATE_PER_IP, client_ip(request))]
        refusal = form_refusal(
            request,
            limits,
            message=_(
                "Über dieses Formular wurden in kurzer Zeit zu viele Meldungen gesendet. "
                "Bitte versuchen Sie es später erneut."
            ),
        )
        if refusal:
            form.add_error(None, refusal.message)
            return self.render_to_response(self.get_context_data(form=form), status=refusal.status)
        feedback_submit(**form.cleaned_data, language=get_language() or "")
        return redirect(f"{reverse('accessibility')}?sent=1#feedback")
