import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { NO_LOG_HEADER } from '../contracts/http';

/** Whether the request carries `Authorization: Bearer <adminToken>`; compared in constant time. */
export function hasAdminToken(request: FastifyRequest, adminToken: string): boolean {
  return sameSecret(request.headers.authorization ?? '', `Bearer ${adminToken}`);
}

/** Whether the client is on this host (127.0.0.0/8 or ::1, also as IPv4-mapped IPv6). */
export function isLoopbackClient(request: FastifyRequest): boolean {
  const address = (request.socket.remoteAddress ?? '').replace(/^::ffff:/i, '');
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/**
 * Who may keep a prediction out of the monitor's log. With an admin token: whoever holds it, as for
 * the admin routes. Without one (a dev setup): only clients on this host, since anything further away
 * could otherwise hide its traffic from drift monitoring. Returns why not, or undefined when allowed.
 */
export function noLogRefusal(request: FastifyRequest, adminToken: string | undefined): string | undefined {
  const rule = `"${NO_LOG_HEADER}: 1" is only for the deploy step's smoke test`;
  if (adminToken) {
    return hasAdminToken(request, adminToken)
      ? undefined
      : `${rule}: send it with "Authorization: Bearer <MLCYCLE_ADMIN_TOKEN>", or leave it out to be logged`;
  }
  return isLoopbackClient(request)
    ? undefined
    : `${rule}: this server has no MLCYCLE_ADMIN_TOKEN, so it takes the header only from clients on its own host`;
}

/** Hashes first so the comparison takes the same time whatever the lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
