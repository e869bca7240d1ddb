"""Scrapy item pipelines: where spiders' items become database rows."""
