"""The workbook layer: the Excel round trip with actors (templates out, validated answers in)."""
