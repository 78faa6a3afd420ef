"""The commune's public web page and its Open311 GeoReport v2 API (Công khai, issue #21)."""
