#!/bin/sh
# razor: the install plan of node3.example.com (active model GoldenActive0000000001) for the
# Microkernel's install mode (mk/install.sh), which reads it as shell: every value is quoted.
callback_url='http://192.0.2.1:8026/razor/api/policy/callback/GoldenActive0000000001.GoldenInstallKey000001'
image_url='http://192.0.2.1:8027/razor/image/rootfs/GoldenImage00000000001/rootfs.tar.zst'
image_sha256='5f1c0a3fb0e7c9bd0e7bd2a9c2a5e0d1f6a4c3b2a1f0e9d8c7b6a5f4e3d2c1b0'
image_size='256638487'
image_unpacked_size='824614400'
hostname='node3.example.com'
short_hostname='node3'
root_password_hash='$6$razorgoldensalt1$AKngrFSljY6GSY8bHE8GIyFBcSpHkjTsexM.Fqv.9ubxoaVDY.BVnxj/qX3TgPWeQx5oSo3rSyGPMOyFNa2uF1'
ssh_authorized_key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@example.com'
