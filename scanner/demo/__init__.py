"""The embedded end-to-end demo: a moto server in-process, a seeded organisation, an incident."""
