package io.tunestream.gateway.rest;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * How browsers keep the dashboard's static files. The webjar's files have their version in the path
 * ({@code /webjars/echarts/5.3.1/...}), so they never change under it: cached for a year without asking again. The
 * dashboard's own files keep their paths across releases: the browser keeps them but asks each time whether they
 * changed (the static handler's {@code Last-Modified} answers {@code 304} while they did not), so a new release is
 * never mixed with a cached older module. Nothing here concerns the API: its answers hold data and are not cached.
 */
@ApplicationScoped
public class DashboardCaching {

    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    /** After the gateway's own filters, before the static handler answers. */
    private static final int PRIORITY = 10;

    void register(@Observes Filters filters) {
        filters.register(DashboardCaching::cacheControl, PRIORITY);
    }

    static void cacheControl(RoutingContext context) {
        HttpMethod method = context.request().method();
        String policy = method == HttpMethod.GET || method == HttpMethod.HEAD ? policy(context.normalizedPath()) : null;
        if (policy != null) {
            // Set as the headers go out, over the static handler's own (one default max-age for every file).
            context.addHeadersEndHandler(ignored -> {
                int status = context.response().getStatusCode();
                if (status == 200 || status == 304) {
                    context.response().headers().set(HttpHeaders.CACHE_CONTROL, policy);
                }
            });
        }
        context.next();
    }

    static String policy(String path) {
        if (path.startsWith("/webjars/")) {
            return IMMUTABLE;
        }
        if (path.equals("/")
                || path.equals("/index.html")
                || path.equals("/favicon.svg")
                || path.startsWith("/js/")
                || path.startsWith("/css/")) {
            return REVALIDATE;
        }
        return null;
    }
}
