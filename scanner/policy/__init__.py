"""The policy engine: load the Custodian rule pack and evaluate it offline on a snapshot."""
