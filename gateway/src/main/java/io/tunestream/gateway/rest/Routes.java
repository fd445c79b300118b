package io.tunestream.gateway.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/** What the gateway needs to know of a matched route: its path template, its scope, its query parameters. */
final class Routes {

    record Route(String template, List<String> scopes, List<String> queryParameters) {}

    private static final Map<String, Route> ROUTES = new ConcurrentHashMap<>();
    static final Route UNMATCHED = new Route("unmatched", List.of(), List.of());

    private Routes() {}

    static Route of(SimpleResourceInfo resource) {
        if (resource == null || resource.getResourceClass() == null) {
            return UNMATCHED;
        }
        String key = resource.getResourceClass().getName() + "#" + resource.getMethodName()
                + Arrays.toString(resource.parameterTypes());
        return ROUTES.computeIfAbsent(key, ignored -> describe(resource));
    }

    private static Route describe(SimpleResourceInfo resource) {
        Class<?> type = resource.getResourceClass();
        Method method;
        try {
            method = type.getMethod(resource.getMethodName(), resource.parameterTypes());
        } catch (NoSuchMethodException e) {
            return UNMATCHED;
        }
        Path classPath = type.getAnnotation(Path.class);
        Path methodPath = method.getAnnotation(Path.class);
        String template = (classPath == null ? "" : classPath.value())
                + (methodPath == null ? "" : "/" + methodPath.value().replaceAll("^/", ""));
        RolesAllowed roles = method.getAnnotation(RolesAllowed.class);
        List<String> queryParameters = Arrays.stream(method.getParameters())
                .map(Parameter::getAnnotations)
                .flatMap(Arrays::stream)
                .filter(QueryParam.class::isInstance)
                .map(q -> ((QueryParam) q).value())
                .toList();
        return new Route(
                template.replaceAll("\\{(\\w+):[^}]*}", "{$1}"),
                roles == null ? List.of() : List.of(roles.value()),
                queryParameters);
    }
}
