"""The demo's vendor register: two suppliers of 云语智能 (one high risk) and the AI-BOM of its
exported customer-service system, with one component whose certificate is not stated."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tianping.web.vendors.models import Supplier
from tianping.web.vendors.services import (
    CERTIFICATE_PROPERTY,
    bom_upload,
    questionnaire_answer,
    supplier_create,
)

EXPORTED_SYSTEM = "多语种智能客服 YunChat"
MODEL_SUPPLIER = "智源模型工场（演示）"
DATA_SUPPLIER = "通数语料标注服务（演示）"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _bom(owner: str) -> dict[str, Any]:
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:5b1f3c9e-2a47-4c1e-9a55-0d3c7f6e8b21",
        "version": 1,
        "metadata": {
            "component": {
                "type": "application",
                "bom-ref": "system:yunchat@3.2",
                "supplier": {"name": owner},
                "name": EXPORTED_SYSTEM,
                "version": "3.2",
            }
        },
        "components": [
            {
                "type": "machine-learning-model",
                "bom-ref": "model:yunchat-base@1.4",
                "supplier": {"name": MODEL_SUPPLIER},
                "name": "YunChat 基座模型",
                "version": "1.4",
                "hashes": [{"alg": "SHA-256", "content": _sha256("yunchat-base-1.4")}],
                "properties": [
                    {"name": CERTIFICATE_PROPERTY, "value": "urn:uuid:demo-zhiyuan-base-model"}
                ],
            },
            {
                "type": "data",
                "bom-ref": "data:service-dialogues@2026",
                "supplier": {"name": DATA_SUPPLIER},
                "name": "多语种客服对话语料",
                "version": "2026",
                "hashes": [{"alg": "SHA-256", "content": _sha256("service-dialogues-2026")}],
            },
        ],
        "services": [
            {
                "bom-ref": "service:vector-search",
                "provider": {"name": owner},
                "name": "向量检索",
            }
        ],
    }


def seed_vendors(orgs: dict[str, Any], users: dict[str, Any], systems: dict[str, Any]) -> None:
    """云语智能's register (a low-risk and a high-risk supplier) and YunChat's AI-BOM."""
    if Supplier.objects.exists():
        return
    actor, organisation = users["yunyu"], orgs["yunyu"]
    model = supplier_create(
        actor=actor,
        organisation=organisation,
        name=MODEL_SUPPLIER,
        kind="model",
        contact="合规部 010-5555-0101",
    )
    questionnaire_answer(
        actor=actor,
        supplier=model,
        answers={
            "training-data": ("yes", "提供训练数据说明书与使用限制条款"),
            "bias-testing": ("yes", ""),
            "logs-audit": ("yes", "合同附件三：日志保留 180 天"),
            "remediation": ("yes", ""),
            "ip-liability": ("partly", "责任上限待谈判"),
        },
    )
    data = supplier_create(actor=actor, organisation=organisation, name=DATA_SUPPLIER, kind="data")
    questionnaire_answer(
        actor=actor,
        supplier=data,
        answers={
            "training-data": ("partly", "仅说明来源地区"),
            "logs-audit": ("unknown", ""),
            "remediation": ("no", "拒绝在合同中承担整改义务"),
        },
    )
    system = systems.get(EXPORTED_SYSTEM)
    if system is not None:
        document = _bom(organisation.name)
        bom_upload(actor=actor, system=system, data=json.dumps(document).encode())
