"""The calls domain's HTML pages, one module per audience: public.py (/calls)."""
