from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.client_ip import client_ip
from core.ratelimit import form_refusal
from members.models import Organisation
from networks.models import Network

from . import services
from .fields import leg_fields
from .forms import ProposalForm, entry_form_class


class EntryMixin:
    """The organisation (``pk``, published) or network (``slug``) the proposal is about."""

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.entry = get_object_or_404(Organisation.objects.published(), pk=kwargs["pk"])
        else:
            self.entry = get_object_or_404(Network, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def sent_url(self):
        if isinstance(self.entry, Organisation):
            return reverse("corrections:organisation_sent", kwargs={"pk": self.entry.pk})
        return reverse("corrections:network_sent", kwargs={"slug": self.entry.slug})


class ProposalView(EntryMixin, View):
    """ "Eintrag korrigieren": the public fields as they are, to be changed, with a reason and
    an e-mail address for the answer. Only changed fields are proposed."""

    template_name = "corrections/proposal_form.html"

    def render(self, entry_form, form, status=200):
        if form.renew_token:
            form.data = form.data_with_new_token()
        model = type(self.entry)
        return render(
            self.request,
            self.template_name,
            {
                "entry": self.entry,
                "entry_form": entry_form,
                "form": form,
                "leg_fields": leg_fields(model),
                "is_organisation": isinstance(self.entry, Organisation),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        entry_form = entry_form_class(type(self.entry))(instance=self.entry)
        return self.render(entry_form, ProposalForm(allowed=entry_form.fields))

    def post(self, request, *args, **kwargs):
        model = type(self.entry)
        entry_form = entry_form_class(model)(
            request.POST, instance=model.objects.get(pk=self.entry.pk)
        )
        form = ProposalForm(request.POST, allowed=entry_form.fields)
        valid = form.is_valid() & entry_form.is_valid()
        if not valid:
            return self.render(entry_form, form)
        limits = [
            ("corrections:ip", "20/h", client_ip(request)),
            ("corrections:sender", "10/h", form.cleaned_data["proposer_email"].lower()),
        ]
        refusal = form_refusal(
            request,
            limits,
            message=_(
                "Es wurden in kurzer Zeit zu viele Vorschläge gesendet. Bitte versuchen Sie es später erneut."
            ),
        )
        if refusal:
            form.add_error(None, refusal.message)
            return self.render(entry_form, form, status=refusal.status)
        values = {name: entry_form.cleaned_data[name] for name in entry_form.fields}
        try:
            services.correction_propose(
                entry=self.entry,
                values=values,
                reason=form.cleaned_data["reason"],
                proposer_email=form.cleaned_data["proposer_email"],
                token=form.nonce,
            )
        except services.ProposalDuplicate:
            pass
        except ValidationError as refusal:
            form.add_error(None, refusal)
            return self.render(entry_form, form)
        return redirect(self.sent_url())


class ProposalSentView(EntryMixin, TemplateView):
    template_name = "corrections/proposal_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, **kwargs)
