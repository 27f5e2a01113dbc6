// The stroke every documents client appends (tests and bench, every system): the same JSON everywhere.

/** The i-th stroke of a client. */
export function strokeOf(i) {
  return {
    kind: "stroke",
    points: [i, i + 1, i + 2, i + 3],
    style: { color: "#" + ((i * 2654435761) % 0xffffff).toString(16).padStart(6, "0"), width: 2 },
    z: i,
  };
}
