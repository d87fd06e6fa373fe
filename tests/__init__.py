"""Tests for 年报助手."""
