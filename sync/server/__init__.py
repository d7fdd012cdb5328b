"""The reference city server (`kiosk city-server`): sync/openapi.yaml on aiohttp."""
