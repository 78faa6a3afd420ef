"""A report as files a commune can file and print: the Excel workbook and the weekly chart.

Both are CPU work on plain values and touch no database: the bot runs them with
`asyncio.to_thread`, the command line directly.
"""
