package dev.acp.bench;

public final class EngineBenchmark {
    public static void main(String[] args) {}
}
