// onecon: the one-connection latency client of bench/run.
//
// wrk's latencies at one connection do not add up: on this box the sum of its per-request latencies came to
// 113-147 % of the run's wall time (impossible for one request at a time), and its p99 for nginx alone read
// 0.4-1.2 ms where a blocking client measured 0.1 ms. So at one connection bench/run measures with this:
// one keep-alive connection, one request at a time, a monotonic clock read just before the request is
// written and just after the last byte of the response is read (Content-Length, or the last chunk).
//
//   onecon <port> <path> <body file> <bearer key> <seconds>
//
// Prints one line in the format of bench/proxy/post.lua, plus the sum of the latencies as a check:
//   RESULT requests=… duration_us=… p50_us=… p99_us=… non2xx=… socket_errors=… latency_sum_us=…
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static char body[1 << 20], request[(1 << 20) + 4096], response[1 << 22];

// Reads one whole response; returns its status, or -1 when the connection failed.
static int read_response(int s)
{
    size_t got = 0;
    long whole = -1;   // header + body length, once known from Content-Length
    int chunked = 0;
    for (;;) {
        if (got == sizeof response - 1)
            return -1;
        ssize_t r = read(s, response + got, sizeof response - 1 - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
        response[got] = 0;
        char *end_of_head = strstr(response, "\r\n\r\n");
        if (!end_of_head)
            continue;
        if (whole < 0 && !chunked) {
            char *length = strcasestr(response, "\r\ncontent-length:");
            if (length && length < end_of_head)
                whole = (end_of_head + 4 - response) + atol(length + 17);
            else
                chunked = 1;
        }
        if ((whole >= 0 && (long)got >= whole) || (chunked && got >= 5 && memcmp(response + got - 5, "0\r\n\r\n", 5) == 0))
            return atoi(response + 9);   // "HTTP/1.1 200"
    }
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: onecon <port> <path> <body file> <bearer key> <seconds>\n");
        return 2;
    }
    int port = atoi(argv[1]);
    FILE *file = fopen(argv[3], "rb");
    if (!file) {
        perror(argv[3]);
        return 2;
    }
    size_t body_length = fread(body, 1, sizeof body, file);
    fclose(file);
    int head = snprintf(request, sizeof request - body_length,
        "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\n"
        "Content-Length: %zu\r\n\r\n", argv[2], port, argv[4], body_length);
    memcpy(request + head, body, body_length);
    size_t request_length = (size_t)head + body_length;

    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (connect(s, (struct sockaddr *)&address, sizeof address) != 0) {
        perror("connect");
        return 1;
    }

    size_t capacity = 1 << 23, n = 0;
    double *latency = malloc(capacity * sizeof(double)), sum = 0;
    long non2xx = 0, errors = 0;
    double start = now_us(), stop = start + atof(argv[5]) * 1e6;
    while (n < capacity && now_us() < stop) {
        double sent = now_us();
        if (write(s, request, request_length) != (ssize_t)request_length) {
            errors++;
            break;
        }
        int status = read_response(s);
        if (status < 0) {
            errors++;
            break;
        }
        latency[n] = now_us() - sent;
        sum += latency[n++];
        if (status < 200 || status > 299)
            non2xx++;
    }
    double duration = now_us() - start;
    if (n == 0) {
        fprintf(stderr, "onecon: no response\n");
        return 1;
    }
    qsort(latency, n, sizeof(double), by_value);
    printf("RESULT requests=%zu duration_us=%.0f p50_us=%.0f p99_us=%.0f non2xx=%ld socket_errors=%ld latency_sum_us=%.0f\n",
        n, duration, latency[n / 2], latency[n * 99 / 100], non2xx, errors, sum);
    return 0;
}
