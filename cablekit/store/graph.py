"""The citation graph of the store: a cable's neighbourhood, and graph files for Gephi,
Graphviz and networkx (GraphML, DOT, an edge list)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .index import Index

DIRECTIONS = ("cites", "cited-by", "both")
NODE_ATTRIBUTES = ("date", "origin", "classification", "subject", "tags")


@dataclass
class Graph:
    """Cables as nodes (their attributes where the store holds them), citations as edges
    (citing id, cited id, year inferred)."""

    nodes: dict[str, dict | None] = field(default_factory=dict)  # None: not in the store
    edges: dict[tuple[str, str], bool] = field(default_factory=dict)


def walk(index: Index, roots: Iterable[str], depth: int, direction: str = "both") -> list[dict]:
    """The edges met walking out from *roots*, breadth first, each once: {citing, cited,
    depth, direction ('cites' or 'cited-by', as seen from the cable walked from), from,
    year_inferred, seen_before (the far end was met already: a cycle, or another path)}."""
    edges: list[dict] = []
    frontier = list(dict.fromkeys(roots))
    seen, taken = set(frontier), set()
    for level in range(1, depth + 1):
        following = []
        for here in frontier:
            found = []
            if direction in ("cites", "both"):
                found += [("cites", here, target, inferred) for target, inferred in index.cites(here)]
            if direction in ("cited-by", "both"):
                found += [("cited-by", source, here, inferred) for source, inferred in index.citing(here)]
            for way, citing, cited, inferred in found:
                if (citing, cited) in taken:
                    continue
                taken.add((citing, cited))
                other = cited if way == "cites" else citing
                edges.append(
                    {
                        "citing": citing,
                        "cited": cited,
                        "depth": level,
                        "direction": way,
                        "from": here,
                        "year_inferred": inferred,
                        "seen_before": other in seen,
                    }
                )
                if other not in seen:
                    seen.add(other)
                    following.append(other)
        frontier = following
    return edges


def neighbourhood(index: Index, ids: Iterable[str], depth: int, direction: str = "both") -> Graph:
    """The cables *ids* and every cable up to *depth* citations away, with the edges walked."""
    roots = list(dict.fromkeys(ids))
    graph = Graph()
    for e in walk(index, roots, depth, direction):
        graph.edges[(e["citing"], e["cited"])] = e["year_inferred"]
    found = sorted(set(roots) | {cid for edge in graph.edges for cid in edge})
    held = index.nodes(found)
    graph.nodes = {cid: held.get(cid) for cid in found}
    return graph


def within(index: Index, ids: list[str]) -> Graph:
    """The cables *ids* and the citations among them (depth 0: no neighbours added)."""
    graph = Graph()
    wanted = set(ids)
    for cable_id in ids:
        for target, inferred in index.cites(cable_id):
            if target in wanted:
                graph.edges[(cable_id, target)] = inferred
    held = index.nodes(ids)
    graph.nodes = {cid: held.get(cid) for cid in ids}
    return graph


def _attributes(node: dict | None) -> dict[str, str]:
    if node is None:
        return {"in_store": "false"}
    values = {k: node.get(k) for k in NODE_ATTRIBUTES}
    values["tags"] = " ".join(node.get("tags") or [])
    return {"in_store": "true", **{k: str(v) for k, v in values.items() if v}}


def graphml(graph: Graph) -> Iterable[str]:
    """GraphML, as Gephi, networkx and yEd read it."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    for key in ("in_store", *NODE_ATTRIBUTES):
        yield f'  <key id="{key}" for="node" attr.name="{key}" attr.type="string"/>\n'
    yield '  <key id="year_inferred" for="edge" attr.name="year_inferred" attr.type="boolean"/>\n'
    yield '  <graph id="citations" edgedefault="directed">\n'
    for cid, node in graph.nodes.items():
        yield f"    <node id={quoteattr(cid)}>\n"
        for key, value in _attributes(node).items():
            yield f'      <data key="{key}">{escape(_xml_text(value))}</data>\n'
        yield "    </node>\n"
    for (source, target), inferred in graph.edges.items():
        yield f"    <edge source={quoteattr(source)} target={quoteattr(target)}>"
        yield f'<data key="year_inferred">{"true" if inferred else "false"}</data></edge>\n'
    yield "  </graph>\n</graphml>\n"


def escape(text: str) -> str:
    """Text for an XML element (the xml package would pull urllib into every command's start)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    return '"' + escape(text).replace('"', "&quot;") + '"'


def _xml_text(text: str) -> str:
    """Text XML can carry: control characters other than tab and newline are left out."""
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n")


def _dot_quoted(text: str) -> str:
    return '"' + _xml_text(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def dot(graph: Graph) -> Iterable[str]:
    """Graphviz DOT: one node per cable, labelled with its id and date."""
    yield "digraph citations {\n  node [shape=box, fontsize=10];\n"
    for cid, node in graph.nodes.items():
        attrs = _attributes(node)
        label = cid + (f" {attrs['date'][:10]}" if "date" in attrs else "")
        extra = "".join(f", {k}={_dot_quoted(v)}" for k, v in attrs.items())
        style = "" if node is not None else ", style=dashed"  # a cable the store does not hold
        yield f"  {_dot_quoted(cid)} [label={_dot_quoted(label)}{style}{extra}];\n"
    for (source, target), inferred in graph.edges.items():
        yield f"  {_dot_quoted(source)} -> {_dot_quoted(target)}" + (" [style=dotted]" if inferred else "") + ";\n"
    yield "}\n"


def edge_list(graph: Graph) -> Iterable[str]:
    """One edge a line, citing and cited id, as networkx.read_edgelist reads it."""
    for source, target in graph.edges:
        yield f"{source} {target}\n"


WRITERS = {"graphml": graphml, "dot": dot, "edges": edge_list}
