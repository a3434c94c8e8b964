"""mediagen"""
