"""Nghe Dân: the chat assistant of a commune People's Committee."""
