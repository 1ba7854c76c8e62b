"""Schema checks of the evidence documents: CycloneDX 1.6 (cyclonedx-python-lib's JSON schema, strict) and
the in-toto Statement v1 with a SLSA provenance v1 predicate (in-toto-attestation's protobuf definitions:
unknown or mistyped fields are refused)."""

from __future__ import annotations

import json


def validate_cyclonedx(document: dict) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(document))
    assert error is None, str(error)


def validate_provenance(statement: dict) -> None:
    from google.protobuf import json_format
    from in_toto_attestation.predicates.provenance.v1 import provenance_pb2
    from in_toto_attestation.v1 import statement_pb2
    from in_toto_attestation.v1.statement import Statement

    parsed = json_format.ParseDict({k: v for k, v in statement.items() if k != "predicate"},
                                   statement_pb2.Statement(), ignore_unknown_fields=False)
    parsed.predicate.update(statement["predicate"])
    Statement.copy_from_pb(parsed).validate()
    predicate = json_format.ParseDict(statement["predicate"], provenance_pb2.Provenance())
    assert predicate.build_definition.build_type
    assert predicate.run_details.builder.id
