// Bundles the UI into dist/, which the cloud serves as its web root (see SimIoT.Cloud.Host.csproj).
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";

await mkdir("dist", { recursive: true });
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "esm",
  target: ["es2020"],
  outfile: "dist/app.js",
  loader: { ".css": "css" },
  logLevel: "warning",
});
await copyFile("src/index.html", "dist/index.html");
