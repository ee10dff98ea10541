/**
 * nginx as a reverse proxy in front of the bench backend: one worker,
 * keep-alive to the upstream, no access log. Installed with apt-get when
 * missing (Debian's `nginx` package).
 */
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { freePort, spawnProc, type Proc } from "./procs.ts";

export function nginxBinary(): string | undefined {
  for (const p of ["/usr/sbin/nginx", "/usr/bin/nginx"]) if (spawnSync(p, ["-v"]).status === 0) return p;
  return undefined;
}

export async function startNginx(dir: string, backendPort: number, cpus: string | undefined): Promise<{ proc: Proc; port: number; version: string }> {
  const bin = nginxBinary();
  if (bin === undefined) throw new Error("nginx is not installed");
  const version = spawnSync(bin, ["-v"]).stderr.toString().trim();
  const port = await freePort();
  await mkdir(path.join(dir, "logs"), { recursive: true });
  const conf = `worker_processes 1;
daemon off;
${process.getuid?.() === 0 ? "user root;\n" : ""}pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 4096; multi_accept on; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  upstream backend {
    server 127.0.0.1:${backendPort};
    keepalive 256;
    keepalive_requests 10000000;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_buffering on;
    }
  }
}
`;
  await writeFile(path.join(dir, "nginx.conf"), conf);
  // nginx prints nothing when it starts: probe the port instead.
  const proc = spawnProc("nginx", bin, ["-p", dir, "-c", path.join(dir, "nginx.conf")], { cpus });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      await res.arrayBuffer();
      if (res.status === 200) return { proc, port, version };
    } catch {
      // not yet
    }
    if (Date.now() > deadline || proc.child.exitCode !== null) {
      await proc.stop();
      throw new Error(`nginx did not answer on ${port}:\n${proc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
