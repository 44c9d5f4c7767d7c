// Hash routes (#/dossier/D-1): work from any static host, CloudFront included, without rewrites.

const ROUTES = [
  ["upload", /^\/upload$/],
  ["search", /^\/search$/],
  ["dossier", /^\/dossier\/([\w-]+)$/],
  ["document", /^\/document\/([\w-]+)$/],
  ["inbox", /^\/inbox$/],
  ["messages", /^\/messages$/],
  ["audit", /^\/audit$/],
];

export function parseRoute(hash) {
  const path = (hash || "").replace(/^#/, "").split("?")[0] || "/";
  for (const [name, pattern] of ROUTES) {
    const match = pattern.exec(path);
    if (match) return { name, id: match[1] ? decodeURIComponent(match[1]) : null };
  }
  return { name: "home", id: null };
}

export const href = (name, id) => (id ? `#/${name}/${encodeURIComponent(id)}` : `#/${name}`);
