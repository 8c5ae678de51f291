"""The policy engine: load the Custodian rule pack and evaluate it offline on a snapshot.

Public API:

- :func:`scanner.policy.loader.load_policy_pack` -> :class:`~scanner.policy.loader.PolicyPack`
- :func:`scanner.policy.evaluate.evaluate` -> ``list[scanner.model.Finding]``
- :mod:`scanner.policy.filters`, netwarden's Custodian filters (imported by the two above)

``netwarden policies validate|list`` is :mod:`scanner.commands.policies`.
"""
