"""The local AWS emulator: moto's server on loopback and its adaptations, deploy-local's orchestration,
the release rehearsal.
"""
