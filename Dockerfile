# syntax=docker/dockerfile:1
# Multi-stage: restore (cached layer) → publish → small runtime image as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Gateway.sln ./
COPY Gateway/Gateway.csproj Gateway/
COPY Metering/Metering.csproj Metering/
RUN dotnet restore Gateway/Gateway.csproj
COPY appsettings.json ./
COPY Gateway/ Gateway/
COPY Metering/ Metering/
RUN dotnet publish Gateway/Gateway.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /data && chown app:app /data
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    ConnectionStrings__Gateway="Data Source=/data/gateway.db"
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["dotnet", "Gateway.dll"]
