"""The AWS edge: sessions, accounts, regions and API-call accounting."""
