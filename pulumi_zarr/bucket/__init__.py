"""The bucket side of a deployment: the policy that lets a deployment read a bucket."""
