"""Packet capture of the program's own flows and capture-file reading (the only scapy users)."""
