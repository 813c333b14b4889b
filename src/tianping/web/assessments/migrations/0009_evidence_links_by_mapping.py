# Evidence filed before the catalogue's measurement mapping was linked too broadly: a bias
# audit of a hiring model to the generated-content and price items, a privacy scan to the
# training-data summary and the security test. This applies the mapping
# (tianping/norms/data/measurements.yaml, read through tianping.norms.load_measurements)
# to every existing link, with the system's latest intake answers as filing does now:
# a link the mapping justifies gets the mapping's extent; any other is removed and kept
# as an EvidenceLinkRemoval row of the system's history (the evidence is unchanged).
# Migrating back restores the removed links from those rows.

from django.db import migrations
from django.utils import timezone

from tianping.norms import load_measurements

# Evidence.Kind → the measurement of the mapping, as services.EVIDENCE_MEASUREMENTS.
MEASUREMENTS = {
    'bias_assessment': 'bias_assessment',
    'privacy_profile': 'privacy_scan',
    'probe_run': 'probe_run',
    'document': 'document',
    'certificate': 'certificate',
}
BATCH = 500  # SQLite allows 999 parameters in one statement


def _latest_intakes(Intake, alias, system_ids):
    latest: dict[int, object] = {}
    rows = (
        Intake.objects.using(alias)
        .filter(system_id__in=system_ids)
        .order_by('system_id', '-submitted_at', '-pk')
    )
    for intake in rows.iterator():
        latest.setdefault(intake.system_id, intake)
    return latest


def apply_mapping(apps, schema_editor):
    alias = schema_editor.connection.alias
    EvidenceLink = apps.get_model('assessments', 'EvidenceLink')
    EvidenceLinkRemoval = apps.get_model('assessments', 'EvidenceLinkRemoval')
    Intake = apps.get_model('systems', 'Intake')
    links = list(EvidenceLink.objects.using(alias).select_related('evidence').order_by('pk'))
    if not links:
        return
    mapping = load_measurements()
    intakes = _latest_intakes(Intake, alias, {link.evidence.system_id for link in links})
    justified: dict[tuple[str, int], dict[str, str]] = {}  # (kind, system) → {item: extent}
    removals, removed_pks = [], []
    by_extent: dict[str, list[int]] = {'full': [], 'partial': []}
    now = timezone.now()
    for link in links:
        evidence = link.evidence
        intake = intakes.get(evidence.system_id)
        key = (evidence.kind, evidence.system_id)
        if key not in justified:
            measurement = MEASUREMENTS.get(evidence.kind)
            answers = None if intake is None else intake.answers
            justified[key] = (
                {}
                if measurement is None
                else {e.item: e.extent for e in mapping.applicable(measurement, answers)}
            )
        extent = justified[key].get(link.item)
        if extent is not None:
            by_extent[extent].append(link.pk)
            continue
        removed_pks.append(link.pk)
        removals.append(
            EvidenceLinkRemoval(
                system_id=evidence.system_id,
                evidence_id=evidence.pk,
                evidence_title=evidence.title[:300],
                evidence_sha256=evidence.sha256,
                item=link.item,
                catalogue_version=link.catalogue_version,
                basis=link.basis,
                reason='not_justified',
                mapping_version=mapping.version,
                intake=intake,
                removed_at=now,
            )
        )
    EvidenceLinkRemoval.objects.using(alias).bulk_create(removals, batch_size=BATCH)
    for start in range(0, len(removed_pks), BATCH):
        EvidenceLink.objects.using(alias).filter(pk__in=removed_pks[start : start + BATCH]).delete()
    for value, pks in by_extent.items():
        for start in range(0, len(pks), BATCH):
            EvidenceLink.objects.using(alias).filter(pk__in=pks[start : start + BATCH]).update(
                extent=value
            )


def restore_links(apps, schema_editor):
    alias = schema_editor.connection.alias
    EvidenceLink = apps.get_model('assessments', 'EvidenceLink')
    EvidenceLinkRemoval = apps.get_model('assessments', 'EvidenceLinkRemoval')
    removals = EvidenceLinkRemoval.objects.using(alias).filter(
        reason='not_justified', evidence__isnull=False
    )
    existing = set(EvidenceLink.objects.using(alias).values_list('evidence_id', 'item'))
    restored = []
    for removal in removals.order_by('pk').iterator():
        if (removal.evidence_id, removal.item) in existing:
            continue
        existing.add((removal.evidence_id, removal.item))
        restored.append(
            EvidenceLink(
                evidence_id=removal.evidence_id,
                item=removal.item,
                catalogue_version=removal.catalogue_version,
                basis=removal.basis,
            )
        )
    EvidenceLink.objects.using(alias).bulk_create(restored, batch_size=BATCH)
    removals.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0008_evidence_link_extent_and_removals'),
    ]

    operations = [
        migrations.RunPython(apply_mapping, restore_links),
    ]
