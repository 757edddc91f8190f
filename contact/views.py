from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.client_ip import client_ip
from core.ratelimit import form_refusal

from . import services
from .forms import EnquiryForm
from .models import Enquiry
from .selectors import ORGANISATION, network_recipient, organisation_recipient


class RecipientMixin:
    """The organisation (``pk``) or network (``slug``) written to; 404 if it has no address."""

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.recipient = organisation_recipient(kwargs["pk"])
        else:
            self.recipient = network_recipient(kwargs["slug"])
        if self.recipient is None:
            raise Http404(_("Für diesen Eintrag ist keine Kontaktadresse hinterlegt."))
        return super().dispatch(request, *args, **kwargs)

    def sent_url(self):
        target = self.recipient.target
        if self.recipient.kind == ORGANISATION:
            return reverse("contact:organisation_sent", kwargs={"pk": target.pk})
        return reverse("contact:network_sent", kwargs={"slug": target.slug})

    def get_context_data(self, **kwargs):
        return super().get_context_data(recipient=self.recipient, **kwargs)


class EnquiryView(RecipientMixin, FormView):
    """ "Kontakt aufnehmen": the form, sent to the entry's stored address, which the page never
    shows. Refused with a message: a bad field, the honeypot, a form sent too fast, a blocked
    sender, too many messages (per sender address, client address and recipient)."""

    form_class = EnquiryForm
    template_name = "contact/enquiry_form.html"

    def form_invalid(self, form, status=200):
        if form.renew_token:
            form.data = form.data_with_new_token()
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def form_valid(self, form):
        data = form.cleaned_data
        if Enquiry.objects.filter(token=form.nonce).exists():
            return redirect(self.sent_url())  # sent twice: the first one is on its way
        limits = [
            ("contact:ip", settings.CONTACT_RATE_PER_IP, client_ip(self.request)),
            ("contact:sender", settings.CONTACT_RATE_PER_SENDER, data["email"].lower()),
            ("contact:recipient", settings.CONTACT_RATE_PER_RECIPIENT, self.recipient.key),
        ]
        refusal = form_refusal(
            self.request,
            limits,
            message=_(
                "Über dieses Formular wurden in kurzer Zeit zu viele Nachrichten gesendet. "
                "Bitte versuchen Sie es später erneut."
            ),
        )
        if refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form, status=refusal.status)
        try:
            services.enquiry_send(
                recipient=self.recipient,
                sender_name=data["name"],
                sender_email=data["email"],
                subject=data["subject"],
                message=data["message"],
                token=form.nonce,
                page_url=self.request.build_absolute_uri(self.recipient.url),
            )
        except services.EnquiryDuplicate:
            pass
        except services.EnquiryRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form, status=403)
        return redirect(self.sent_url())


class EnquirySentView(RecipientMixin, TemplateView):
    """The answer after sending: the message is on its way; a confirmation follows."""

    template_name = "contact/enquiry_sent.html"
