"""A minimal reader of Mapbox Vector Tiles (protobuf, spec 2.1) for the tests: layers, their
extent, features with their type, properties and decoded geometry (tile coordinates).

https://github.com/mapbox/vector-tile-spec/blob/master/2.1/vector_tile.proto
"""

import struct

GEOMETRY_TYPES = {1: "Point", 2: "LineString", 3: "Polygon"}


def decode(data: bytes) -> dict[str, dict]:
    """{layer name: {"extent": int, "features": [{"type", "properties", "parts"}]}}."""
    layers = {}
    for field, value in _fields(data):
        if field == 3:
            layer = _layer(value)
            layers[layer["name"]] = layer
    return layers


def _layer(data: bytes) -> dict:
    name, extent, keys, values, raw_features = "", 4096, [], [], []
    for field, value in _fields(data):
        if field == 1:
            name = value.decode()
        elif field == 2:
            raw_features.append(value)
        elif field == 3:
            keys.append(value.decode())
        elif field == 4:
            values.append(_value(value))
        elif field == 5:
            extent = value
    features = [_feature(raw, keys, values) for raw in raw_features]
    return {"name": name, "extent": extent, "features": features}


def _feature(data: bytes, keys: list[str], values: list) -> dict:
    tags, geometry_type, commands = [], None, []
    for field, value in _fields(data):
        if field == 2:
            tags = _packed(value)
        elif field == 3:
            geometry_type = GEOMETRY_TYPES.get(value)
        elif field == 4:
            commands = _packed(value)
    properties = {keys[tags[i]]: values[tags[i + 1]] for i in range(0, len(tags), 2)}
    return {"type": geometry_type, "properties": properties, "parts": _geometry(commands)}


def _geometry(commands: list[int]) -> list[list[tuple[int, int]]]:
    """Parts as lists of (x, y) in tile units (MoveTo starts a part, ClosePath ends a ring)."""
    parts, x, y, i = [], 0, 0, 0
    while i < len(commands):
        command, count = commands[i] & 0x7, commands[i] >> 3
        i += 1
        if command == 7:  # ClosePath
            continue
        for _ in range(count):
            x += _zigzag(commands[i])
            y += _zigzag(commands[i + 1])
            i += 2
            if command == 1:  # MoveTo
                parts.append([])
            parts[-1].append((x, y))
    return parts


def _value(data: bytes):
    for field, value in _fields(data):
        if field == 1:
            return value.decode()
        if field == 2:
            return struct.unpack("<f", value)[0]
        if field == 3:
            return struct.unpack("<d", value)[0]
        if field in (4, 5):
            return value
        if field == 6:
            return _zigzag(value)
        if field == 7:
            return bool(value)
    return None


def _fields(data: bytes):
    """(field number, value) pairs: int for varints, bytes for the other wire types."""
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        field, wire_type = key >> 3, key & 0x7
        if wire_type == 0:
            value, position = _varint(data, position)
        elif wire_type == 1:
            value, position = data[position : position + 8], position + 8
        elif wire_type == 2:
            length, position = _varint(data, position)
            value, position = data[position : position + length], position + length
        elif wire_type == 5:
            value, position = data[position : position + 4], position + 4
        else:
            raise ValueError(f"Unsupported wire type {wire_type}")
        yield field, value


def _packed(data: bytes) -> list[int]:
    numbers, position = [], 0
    while position < len(data):
        number, position = _varint(data, position)
        numbers.append(number)
    return numbers


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7


def _zigzag(value: int) -> int:
    return (value >> 1) ^ -(value & 1)
