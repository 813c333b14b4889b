"""Suppliers, their advice-06 questionnaire answers, and each system's AI-BOM components."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianping.web.accounts.models import Organisation
from tianping.web.systems.models import AISystem


class SupplierKind(models.TextChoices):
    MODEL = "model", _("Model supplier")
    DATA = "data", _("Data supplier")
    API = "api", _("API or service supplier")
    INTEGRATION = "integration", _("System integrator")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


COMPONENT_TYPES = {
    "application": _("Application"),
    "framework": _("Framework"),
    "library": _("Library"),
    "container": _("Container"),
    "platform": _("Platform"),
    "operating-system": _("Operating system"),
    "device": _("Device"),
    "device-driver": _("Device driver"),
    "firmware": _("Firmware"),
    "file": _("File"),
    "machine-learning-model": _("Machine-learning model"),
    "data": _("Data"),
    "cryptographic-asset": _("Cryptographic asset"),
    "service": _("Service"),
}
"""CycloneDX component types (and ``service``), by their name in the reader's language."""


class Supplier(models.Model):
    """A supplier of models, data, APIs or integration in one organisation's register."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="suppliers",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=SupplierKind.choices)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="vendors_supplier_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class QuestionnaireAnswer(models.Model):
    """A supplier's answer to one question of the vendor questionnaire (``question`` is its id)."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.CharField(_("question"), max_length=64)
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    class Meta:
        verbose_name = _("questionnaire answer")
        verbose_name_plural = _("questionnaire answers")
        ordering = ["supplier", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "question"], name="vendors_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.question}: {self.answer}"


class SystemBom(models.Model):
    """The AI-BOM (CycloneDX JSON) last uploaded for a system; its components are rows below."""

    system = models.OneToOneField(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="ai_bom"
    )
    document = models.JSONField(_("CycloneDX document"))
    spec_version = models.CharField(_("CycloneDX version"), max_length=8)
    serial_number = models.CharField(_("serial number"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 of the upload"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    class Meta:
        verbose_name = _("AI-BOM")
        verbose_name_plural = _("AI-BOMs")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.system} · {self.sha256[:12]}"


class BomComponent(models.Model):
    """One component or service of a system's AI-BOM."""

    bom = models.ForeignKey(
        SystemBom, verbose_name=_("AI-BOM"), on_delete=models.CASCADE, related_name="components"
    )
    system = models.ForeignKey(
        AISystem, verbose_name=_("AI system"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(_("position"))
    path = models.CharField(_("place in the BOM"), max_length=300)
    bom_ref = models.CharField(_("bom-ref"), max_length=300, blank=True)
    component_type = models.CharField(_("type"), max_length=32)
    name = models.CharField(_("name"), max_length=300)
    version = models.CharField(_("version"), max_length=100, blank=True)
    hashes = models.JSONField(_("hashes"), default=dict, blank=True)
    supplier_name = models.CharField(_("supplier named in the BOM"), max_length=300, blank=True)
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="components",
    )
    certificate_id = models.CharField(_("certificate credential ID"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("AI-BOM component")
        verbose_name_plural = _("AI-BOM components")
        ordering = ["bom", "position"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()

    @property
    def component_type_label(self) -> str:
        return str(COMPONENT_TYPES.get(self.component_type, _("Other")))
